/**
 * A project folder and its jobs: the decks found in it, the state store, the runner and its
 * backends. The cockpit, `run`, `status` and `stop` all work through one of these.
 */
import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { readDeck } from "../crystal/deck.js";
import type { Backend } from "../runner/backend.js";
import { JobRunner } from "../runner/job-runner.js";
import { LocalBackend } from "../runner/local.js";
import { coresOf, defaultMaxJobs } from "../runner/queue.js";
import {
	activeStates,
	type JobSpec,
	LaunchError,
	type Parallelism,
	type RunnerKind,
} from "../runner/runner.js";
import type { SlurmBackend } from "../runner/slurm.js";
import type { JobsController, LogSlice, ProjectJob, QueueListing } from "./controller.js";
import { type FoundDeck, findDecks } from "./discover.js";
import { LogIndex } from "./log-index.js";
import { type SearchDirection, searchLines } from "./log-search.js";
import { adoption, listQueue, recordFollowing, type SlurmCluster } from "./slurm-queue.js";
import { StateStore } from "./state-store.js";

export interface ProjectSettings {
	runner: RunnerKind;
	host?: string;
	parallelism: Parallelism;
	/** Jobs running at once on this machine; default: as many as fit the cores. */
	maxJobs?: number;
	crystalDir?: string | null;
	keepScratch?: boolean;
	graceMs?: number;
	pollMs?: number;
	/** Backends for ssh and slurm, made from the configuration by the caller. */
	remoteBackend?: (job: JobSpec) => Backend;
	/** Releases the remote backends' connections when the project is left. */
	closeBackends?: () => Promise<void>;
	/** The `[clusters.NAME]` of the configuration, for the queue view. */
	clusters?: readonly string[];
	/** The SLURM backend of a cluster (the one its jobs run through). */
	slurmBackend?: (cluster: string) => SlurmBackend;
}

/** Run a job after another (its id), on that job's geometry when the deck reads EXTERNAL. */
export interface Chain {
	after?: string;
}

export class Project implements JobsController {
	readonly runner: JobRunner;
	private decks: FoundDeck[] = [];
	private readonly local: LocalBackend;
	/** Line indexes of the logs read so far, by path: scrolling back reads a page, not the file. */
	private readonly logIndexes = new Map<string, LogIndex>();

	private constructor(
		readonly projectDir: string,
		readonly store: StateStore,
		private readonly settings: ProjectSettings,
	) {
		this.local = new LocalBackend({ crystalDir: settings.crystalDir ?? null });
		this.runner = new JobRunner({
			store,
			backendFor: (job) => this.backendFor(job),
			maxJobs: settings.maxJobs ?? defaultMaxJobs(coresOf(settings.parallelism)),
			graceMs: settings.graceMs,
			pollMs: settings.pollMs,
		});
	}

	static async open(projectDir: string, settings: ProjectSettings): Promise<Project> {
		const project = new Project(resolve(projectDir), new StateStore(resolve(projectDir)), settings);
		await project.rescan();
		return project;
	}

	/** Finds the decks again (a deck added while the cockpit runs shows up). */
	async rescan(): Promise<void> {
		this.decks = await findDecks(this.projectDir);
	}

	private backendFor(job: JobSpec): Backend {
		if (job.runner === "local") return this.local;
		if (!this.settings.remoteBackend) {
			throw new LaunchError(
				`the ${job.runner} runner needs a host: pass --host NAME defined in crystal-tui.toml`,
			);
		}
		return this.settings.remoteBackend(job);
	}

	/** The spec a new run of a deck gets from the current settings. */
	specFor(deck: FoundDeck): JobSpec {
		return {
			id: deck.id,
			name: deck.name,
			dir: deck.dir,
			runner: this.settings.runner,
			...(this.settings.host ? { host: this.settings.host } : {}),
			parallelism: this.settings.parallelism,
			keepScratch: this.settings.keepScratch ?? false,
		};
	}

	deck(id: string): FoundDeck {
		const deck = this.decks.find((d) => d.id === id);
		if (!deck) throw new LaunchError(`no deck ${id}.d12 in ${this.projectDir}`);
		return deck;
	}

	/** Job ids from what a user typed: a deck path (`mgo.d12`, `sub/mgo`) or a job id. */
	resolveJob(typed: string): string {
		const absolute = resolve(typed);
		const asDeck = this.decks.find(
			(d) => join(d.dir, `${d.name}.d12`) === absolute || join(d.dir, d.name) === absolute,
		);
		if (asDeck) return asDeck.id;
		const id = typed.replace(/\.d12$/, "");
		if (this.decks.some((d) => d.id === id) || this.store.get(id)) return id;
		throw new LaunchError(`no deck: ${typed} is not a .d12 deck of ${this.projectDir}`);
	}

	jobs(): ProjectJob[] {
		const records = new Map(this.store.list().map((r) => [r.jobId, r]));
		const ids = new Set([...this.decks.map((d) => d.id), ...records.keys()]);
		return [...ids].sort().map((id) => {
			const record = records.get(id);
			const deck = this.decks.find((d) => d.id === id);
			const spec = record?.spec ?? (deck ? this.specFor(deck) : undefined);
			return {
				spec: spec as JobSpec,
				deckPath:
					deck?.deckPath ?? (record?.handle?.adopted ? record.handle.outputPath : undefined) ?? `${id}.d12`,
				state: record?.state ?? "idle",
				startedAt: record?.startedAt ?? null,
				endedAt: record?.endedAt ?? null,
				result: record?.result ?? null,
				detail: record?.detail ?? null,
			};
		});
	}

	async checkStartable(id: string, chain: Chain = {}): Promise<void> {
		await this.runner.check(await this.chained(id, chain));
	}

	/** The job's spec, run after `chain.after` (when given) and, if its deck reads EXTERNAL,
	 * on the geometry that job leaves (its NAME.gui: an optimisation's optimised geometry). */
	private async chained(id: string, chain: Chain): Promise<JobSpec> {
		const spec = this.specFor(this.deck(id));
		if (!chain.after || chain.after === id) return spec;
		const parent = this.deck(chain.after);
		const text = await readFile(join(spec.dir, `${spec.name}.d12`), "utf8").catch(() => "");
		const readsGeometry = parent.dir === spec.dir && readDeck(text).readsExternalGeometry;
		return { ...spec, dependsOn: [parent.id], ...(readsGeometry ? { geometryFrom: parent.name } : {}) };
	}

	async start(id: string, chain: Chain = {}): Promise<void> {
		if (this.store.get(id)?.handle?.adopted && !this.decks.some((d) => d.id === id)) {
			throw new LaunchError(
				`${id} was adopted from the SLURM queue: crystal-tui did not submit it and cannot start it again`,
			);
		}
		await this.runner.start(await this.chained(id, chain));
	}

	async stop(id: string, options: { force?: boolean } = {}): Promise<void> {
		await this.runner.stop(id, options);
	}

	async restart(id: string): Promise<void> {
		const record = this.store.get(id);
		if (record && activeStates.has(record.state)) {
			await this.runner.stop(id);
			await this.waitForEnd(id);
		}
		await this.start(id);
	}

	/** Resolves when the job is no longer active (its end was reported). */
	waitForEnd(id: string, timeoutMs = 60_000): Promise<void> {
		return new Promise((resolveEnd) => {
			const done = () => {
				clearInterval(timer);
				clearTimeout(limit);
				resolveEnd();
			};
			const check = () => {
				const record = this.store.get(id);
				if (!record || !activeStates.has(record.state)) done();
			};
			const timer = setInterval(check, 100);
			const limit = setTimeout(done, timeoutMs);
			check();
		});
	}

	async readLog(id: string, start: number, count: number): Promise<LogSlice> {
		const index = this.logIndexFor(id);
		if (!index) return { lines: [], total: 0 };
		try {
			await index.refresh();
			return { lines: await index.read(start, count), total: index.total };
		} catch {
			return { lines: [], total: 0 };
		}
	}

	async searchLog(
		id: string,
		test: (line: string) => boolean,
		from: number | null,
		direction: SearchDirection,
	): Promise<number | null> {
		const index = this.logIndexFor(id);
		if (!index) return null;
		await index.refresh();
		return searchLines((start, count) => index.read(start, count), index.total, test, from, direction);
	}

	/** The line index of the job's log (NAME.out), made on first use; null when the log is not
	 * on this machine. */
	private logIndexFor(id: string): LogIndex | null {
		const record = this.store.get(id);
		const deck = this.decks.find((d) => d.id === id);
		const dir =
			record?.spec.runner === "local" || !record ? (deck?.dir ?? record?.spec.dir) : record.spec.dir;
		const name = deck?.name ?? record?.spec.name;
		if (!dir || !name) return null;
		// An adopted job's output is wherever it writes; readable here when its cluster is this
		// machine (a cluster reached over ssh has its files there).
		const adopted = record?.handle?.adopted ? record.handle : null;
		const path = adopted?.outputPath ?? join(dir, `${name}.out`);
		if (adopted && this.settings.slurmBackend?.(adopted.host ?? "").ssh) return null;
		let index = this.logIndexes.get(path);
		if (!index) {
			index = new LogIndex(path);
			this.logIndexes.set(path, index);
		}
		return index;
	}

	async reattach(): Promise<string[]> {
		const attached: string[] = [];
		for (const record of this.store.list()) {
			if (record.state === "queued" && !record.handle) continue;
			if ((await this.runner.attach(record.jobId)) && activeStates.has(record.state)) {
				attached.push(record.jobId);
			}
		}
		return attached;
	}

	/** Jobs still waiting for a slot when the last crystal-tui quit were never launched: they
	 * take their place in the queue again. Returns their ids. */
	async resumeQueued(): Promise<string[]> {
		const resumed: string[] = [];
		for (const record of this.store.list()) {
			if (record.state !== "queued" || record.handle) continue;
			try {
				await this.runner.start(record.spec);
				resumed.push(record.jobId);
			} catch (error) {
				this.store.put({ ...record, state: "failed", detail: (error as Error).message, endedAt: Date.now() });
			}
		}
		return resumed;
	}

	private slurmCluster(name: string): SlurmCluster {
		const clusters = this.settings.clusters ?? [];
		if (!clusters.includes(name) || !this.settings.slurmBackend) {
			throw new LaunchError(
				`no [clusters.${name}] in the configuration (known clusters: ${clusters.join(", ") || "none"})`,
			);
		}
		return { name, backend: this.settings.slurmBackend(name) };
	}

	async queue(): Promise<QueueListing> {
		const clusters = (this.settings.clusters ?? []).map((name) => this.slurmCluster(name));
		return listQueue(clusters, this.store.list());
	}

	async adopt(cluster: string, slurmJobId: string): Promise<string> {
		const known = recordFollowing(this.store.list(), cluster, slurmJobId);
		if (known) {
			// Already a pane here: follow it again if it runs and nobody follows it.
			if (activeStates.has(known.state)) await this.runner.attach(known.jobId);
			return known.jobId;
		}
		let adopted: Awaited<ReturnType<typeof adoption>>;
		try {
			adopted = await adoption(this.slurmCluster(cluster), slurmJobId);
		} catch (error) {
			if (error instanceof LaunchError) throw error;
			throw new LaunchError(
				`cannot adopt SLURM job ${slurmJobId} of ${cluster}: ${error instanceof Error ? error.message : String(error)}`,
			);
		}
		const { spec, handle, detail, startedAt } = adopted;
		this.store.put({
			jobId: spec.id,
			spec,
			state: "running",
			detail,
			handle,
			offset: 0,
			startedAt,
			endedAt: null,
			stopRequested: false,
			result: null,
		});
		await this.runner.attach(spec.id);
		return spec.id;
	}

	async detach(): Promise<string[]> {
		await this.runner.detachAll();
		await this.settings.closeBackends?.();
		const running = this.store
			.list()
			.filter((r) => activeStates.has(r.state))
			.map((r) => r.jobId);
		this.store.close();
		return running;
	}
}
