/**
 * A project folder and its jobs as the supervisor hosts them: the decks found in it, the state
 * store, the runner. Backends and the machine's core budget are shared with every other project
 * of the supervisor (one connection per host, one squeue per cluster); the settings of a run
 * (runner, host, ranks, ...) come with each start, from the command line that asked for it.
 */

import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { ContainerConfig } from "../config/container.js";
import { readDeck } from "../crystal/deck.js";
import { deckFileName, deckOfId } from "../crystal/staging.js";
import type { Backend } from "../runner/backend.js";
import type { CoreBudget } from "../runner/core-budget.js";
import { JobRunner, type JobRunnerOptions, type Placement } from "../runner/job-runner.js";
import { coresOf, defaultMaxJobs } from "../runner/queue.js";
import {
	activeStates,
	type JobSpec,
	LaunchError,
	type Parallelism,
	type RecoveryPolicy,
	type RunnerKind,
} from "../runner/runner.js";
import type { SlurmBackend } from "../runner/slurm.js";
import { watchableFolder } from "../runner/tail.js";
import type { ProjectJob, QueueListing } from "./controller.js";
import { type FolderTimes, type FoundDeck, findDecks, foldersUnchanged } from "./discover.js";
import { adoption, listQueue, recordFollowing, type SlurmCluster } from "./slurm-queue.js";
import { StateStore } from "./state-store.js";

export interface ProjectSettings {
	runner: RunnerKind;
	host?: string;
	/** A `[pools.NAME]`: each job is placed on one of its hosts when it starts. */
	pool?: string;
	parallelism: Parallelism;
	/** Jobs running at once on this machine; default: as many as fit the cores. */
	maxJobs?: number;
	crystalDir?: string | null;
	/** Local jobs run CRYSTAL inside this container ([defaults] container). */
	container?: ContainerConfig;
	keepScratch?: boolean;
	/** Start although the machine's cores are taken. */
	oversubscribe?: boolean;
	/** The environment the jobs run with (the asking shell's). */
	env?: Record<string, string>;
	/** The `[clusters.NAME]` of the configuration, for the queue view. */
	clusters?: readonly string[];
	/** What the supervisor does when a run fails. */
	recovery?: RecoveryPolicy;
}

/** What a project needs from whoever hosts it: shared backends and the machine's cores. */
export interface ProjectHosting {
	/** The backend of a job (local, or the shared one of its host or cluster). */
	backendFor(job: JobSpec): Backend;
	/** The SLURM backend of a `[clusters.NAME]` of this project's configuration. */
	slurmBackend(cluster: string): SlurmBackend;
	/** The project's settings when nothing is asked for (the configuration's defaults). */
	defaults(): ProjectSettings;
	budget?: CoreBudget;
	/** What a run's recovery policy makes of its end (the supervisor's recovery step). */
	afterEnd?: JobRunnerOptions["afterEnd"];
	/** Where a job of a pool goes, asked before each launch. */
	placement?: Placement;
	graceMs?: number;
	pollMs?: number;
	/** What the state store has to tell the user (a damaged store set aside, a full disk). */
	notice?: (message: string) => void;
}

/** A pool's jobs at once when --max-jobs does not say: its hosts' limits are what count. */
const poolMaxJobs = 10_000;

/** Run a job after another (its id), on that job's geometry when the deck reads EXTERNAL. */
export interface Chain {
	after?: string;
	/** The jobs started by the same request: a properties deck waits for its SCF among them. */
	batch?: readonly string[];
}

/** A properties run (NAME.d3) on serial properties: its wave function is read, not computed. */
const propertiesParallelism: Parallelism = { ranks: 1, threads: 1 };

export class Project {
	readonly runner: JobRunner;
	private decks: FoundDeck[] = [];
	/** The folders the last search read and when, on a local file system (elsewhere a folder's
	 * time is not a cheap question: every look reads the folders). */
	private searched: { folders: FolderTimes; at: number } | null = null;
	private readonly localFolders: boolean;

	private constructor(
		readonly projectDir: string,
		readonly store: StateStore,
		private readonly hosting: ProjectHosting,
	) {
		this.runner = new JobRunner({
			store,
			backendFor: (job) => this.hosting.backendFor(job),
			maxJobs: defaultMaxJobs(1),
			graceMs: hosting.graceMs,
			pollMs: hosting.pollMs,
			...(hosting.budget ? { budget: hosting.budget } : {}),
			...(hosting.afterEnd ? { afterEnd: hosting.afterEnd } : {}),
			...(hosting.placement ? { placement: hosting.placement } : {}),
			budgetKey: projectDir,
		});
		this.localFolders = watchableFolder(projectDir);
	}

	static async open(projectDir: string, hosting: ProjectHosting): Promise<Project> {
		const dir = resolve(projectDir);
		const store = new StateStore(dir, hosting.notice ? { notice: hosting.notice } : {});
		const project = new Project(dir, store, hosting);
		await project.rescan();
		return project;
	}

	private get settings(): ProjectSettings {
		return this.hosting.defaults();
	}

	/** Finds the decks again (a deck added while the cockpit runs shows up); a `quick` look
	 * reads no folder when none has changed since the last search, and returns false. */
	async rescan(quick = false): Promise<boolean> {
		if (quick && this.searched && foldersUnchanged(this.searched.folders, this.searched.at)) return false;
		const folders: FolderTimes = new Map();
		const at = Date.now();
		this.decks = await findDecks(this.projectDir, this.localFolders ? folders : undefined);
		this.searched = this.localFolders ? { folders, at } : null;
		return true;
	}

	/** The spec a new run of a deck gets from the settings it is started with. */
	specFor(deck: FoundDeck, settings: ProjectSettings = this.settings): JobSpec {
		const properties = deck.program === "properties";
		const parallelism = properties ? propertiesParallelism : settings.parallelism;
		return {
			id: deck.id,
			name: deck.name,
			...(properties ? { program: "properties" as const } : {}),
			dir: deck.dir,
			projectDir: this.projectDir,
			runner: settings.runner,
			// A pool's job gets its host when it starts; its members' cores bound it, not ours.
			...(settings.pool ? { pool: settings.pool } : settings.host ? { host: settings.host } : {}),
			parallelism,
			keepScratch: settings.keepScratch ?? false,
			crystalDir: settings.crystalDir ?? null,
			maxJobs:
				settings.maxJobs ?? (settings.pool ? poolMaxJobs : defaultMaxJobs(coresOf(settings.parallelism))),
			...(settings.oversubscribe ? { oversubscribe: true } : {}),
			...(settings.env ? { env: settings.env } : {}),
			...(settings.container ? { container: settings.container } : {}),
			// The healing ladders are the SCF's and the optimisation's: a properties run is not healed.
			...(settings.recovery && !properties ? { recovery: settings.recovery } : {}),
		};
	}

	deck(id: string): FoundDeck {
		const deck = this.decks.find((d) => d.id === id);
		if (!deck) throw new LaunchError(`no deck ${deckOfId(id)} in ${this.projectDir}`);
		return deck;
	}

	/** Job ids from what a user typed: a deck path (`mgo.d12`, `sub/mgo`) or a job id. */
	resolveJob(typed: string): string {
		const absolute = resolve(this.projectDir, typed);
		const asDeck = this.decks.find(
			(d) =>
				join(d.dir, deckFileName(d.name, d.program)) === absolute ||
				(d.program === "crystal" && join(d.dir, d.name) === absolute),
		);
		if (asDeck) return asDeck.id;
		const id = typed.replace(/\.d12$/, "");
		if (this.decks.some((d) => d.id === id) || this.store.get(id)) return id;
		throw new LaunchError(`no deck: ${typed} is not a .d12 or .d3 deck of ${this.projectDir}`);
	}

	/** The ids of jobs(), in its order, without making the jobs. */
	jobIds(): string[] {
		const ids = new Set(this.decks.map((d) => d.id));
		for (const r of this.store.list()) ids.add(r.jobId);
		return [...ids].sort();
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
					deck?.deckPath ?? (record?.handle?.adopted ? record.handle.outputPath : undefined) ?? deckOfId(id),
				state: record?.state ?? "idle",
				startedAt: record?.startedAt ?? null,
				endedAt: record?.endedAt ?? null,
				result: record?.result ?? null,
				detail: record?.detail ?? null,
			};
		});
	}

	async checkStartable(id: string, chain: Chain = {}, settings = this.settings): Promise<void> {
		await this.runner.check(await this.chained(id, chain, settings));
	}

	/** The job's spec, run after `chain.after` (when given) and, if its deck reads EXTERNAL,
	 * on the geometry that job leaves (its NAME.gui: an optimisation's optimised geometry). */
	private async chained(id: string, chain: Chain, settings: ProjectSettings): Promise<JobSpec> {
		const spec = this.specFor(this.deck(id), settings);
		if (spec.program === "properties") return this.afterItsScf(spec, chain);
		if (!chain.after || chain.after === id) return spec;
		const parent = this.deck(chain.after);
		const text = await readFile(join(spec.dir, `${spec.name}.d12`), "utf8").catch(() => "");
		const readsGeometry = parent.dir === spec.dir && readDeck(text).readsExternalGeometry;
		return { ...spec, dependsOn: [parent.id], ...(readsGeometry ? { geometryFrom: parent.name } : {}) };
	}

	/**
	 * A properties run reads the wave function its SCF (NAME.d12 of the same folder) writes: it
	 * runs after that job when the job is started with it or is still queued or running, as
	 * `--after NAME` would say; otherwise it reads the NAME.f9 there is (the deck check refuses
	 * it when there is none).
	 */
	private afterItsScf(spec: JobSpec, chain: Chain): JobSpec {
		const scf = this.decks.find((d) => d.program === "crystal" && d.dir === spec.dir && d.name === spec.name);
		const state = scf ? this.store.get(scf.id)?.state : undefined;
		if (scf && (chain.batch?.includes(scf.id) || (state !== undefined && activeStates.has(state))))
			return { ...spec, dependsOn: [scf.id] };
		const after = chain.after && chain.after !== spec.id ? chain.after : undefined;
		return after ? { ...spec, dependsOn: [after] } : spec;
	}

	async start(id: string, chain: Chain = {}, settings = this.settings): Promise<void> {
		if (this.store.get(id)?.handle?.adopted && !this.decks.some((d) => d.id === id)) {
			throw new LaunchError(
				`${id} was adopted from the SLURM queue: crystal-tui did not submit it and cannot start it again`,
			);
		}
		await this.runner.start(await this.chained(id, chain, settings));
	}

	async stop(id: string, options: { force?: boolean } = {}): Promise<void> {
		await this.runner.stop(id, options);
	}

	async restart(id: string, settings = this.settings): Promise<void> {
		const record = this.store.get(id);
		if (record && activeStates.has(record.state)) {
			await this.runner.stop(id);
			await this.waitForEnd(id);
		}
		await this.start(id, {}, settings);
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

	async reattach(): Promise<string[]> {
		const attached: string[] = [];
		for (const record of this.store.list()) {
			// Ended jobs need no follower: clients read their NAME.out themselves.
			if (!activeStates.has(record.state) || (record.state === "queued" && !record.handle)) continue;
			if (await this.runner.attach(record.jobId)) attached.push(record.jobId);
		}
		return attached;
	}

	/** Jobs still waiting for a slot when the last crystal-tui quit were never launched: they
	 * take their place in the queue again. Returns their ids. */
	async resumeQueued(): Promise<string[]> {
		const resumed: string[] = [];
		const waiting = this.store
			.list()
			.filter((r) => r.state === "queued" && !r.handle && !this.runner.isRunning(r.jobId))
			.sort((a, b) => (a.queueOrder ?? 0) - (b.queueOrder ?? 0));
		for (const record of waiting) {
			try {
				await this.runner.start(record.spec, {
					held: record.held ?? false,
					...(record.queueOrder !== undefined ? { queueOrder: record.queueOrder } : {}),
				});
				resumed.push(record.jobId);
			} catch (error) {
				this.store.put({ ...record, state: "failed", detail: (error as Error).message, endedAt: Date.now() });
			}
		}
		return resumed;
	}

	private slurmCluster(name: string): SlurmCluster {
		const clusters = this.settings.clusters ?? [];
		if (!clusters.includes(name)) {
			throw new LaunchError(
				`no [clusters.${name}] in the configuration (known clusters: ${clusters.join(", ") || "none"})`,
			);
		}
		return { name, backend: this.hosting.slurmBackend(name) };
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
		const { handle, detail, startedAt } = adopted;
		const spec = { ...adopted.spec, projectDir: this.projectDir };
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
		const running = this.store
			.list()
			.filter((r) => activeStates.has(r.state))
			.map((r) => r.jobId);
		this.store.close();
		return running;
	}
}
