/**
 * The projects the supervisor hosts: each project folder opened once (its store, its runner,
 * its configuration), re-adopted from its store when the supervisor starts, and its runner's
 * events turned into messages for the clients that opened it. The list of hosted projects is
 * kept on disk, so that a supervisor started after a crash (or a SIGKILL) follows every job of
 * every project again, and their queues go on, before any client asks.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { type Config, loadConfig, userConfigPath } from "../config/load.js";
import type { ProjectJob } from "../jobs/controller.js";
import { Project, type ProjectSettings } from "../jobs/project.js";
import { settingsFrom } from "../jobs/settings.js";
import { stateDirOf } from "../jobs/state-store.js";
import { CoreBudget } from "../runner/core-budget.js";
import type { RunHistory } from "../runner/history.js";
import { localOutputPath } from "../runner/output-mirror.js";
import type { RunRecord } from "../runner/run-store.js";
import { activeStates } from "../runner/runner.js";
import { SharedBackends } from "./backends.js";
import { type PlacedProject, Placer } from "./placement.js";
import type { EventMessage, HistoryDelta, RunFlags, WireJob } from "./protocol.js";
import { afterEnd } from "./recovery.js";

export interface HostedProject {
	dir: string;
	project: Project;
	config: Config;
	paused: boolean;
	/** How far each run's history was sent to clients (absolute point counts). */
	sent: Map<string, { scf: number; opt: number }>;
	decksKey: string;
	/** What the project's store said to the user (a damaged store rebuilt), not yet told to a
	 * client that opened the project. */
	notices: string[];
}

interface SavedProjects {
	projects: Record<string, { paused?: boolean }>;
}

export class HostedProjects {
	readonly backends = new SharedBackends();
	readonly budget = new CoreBudget();
	private readonly hosted = new Map<string, Promise<HostedProject>>();
	/** Projects whose runner exists, for placement (it counts every project's jobs on a host). */
	private readonly placed = new Map<string, PlacedProject>();
	readonly placer: Placer;
	private saved: SavedProjects;

	constructor(
		private readonly registryPath: string,
		private readonly broadcast: (message: EventMessage) => void,
		private readonly log: (text: string) => void,
	) {
		this.saved = readRegistry(registryPath);
		this.placer = new Placer(this.backends, () => [...this.placed.values()], log);
	}

	/** Every project hosted before, opened again and re-adopted (a supervisor's first act). */
	async adoptAll(): Promise<void> {
		for (const dir of Object.keys(this.saved.projects)) {
			if (!existsSync(stateDirOf(dir))) continue;
			try {
				await this.open(dir);
			} catch (error) {
				this.log(`cannot re-adopt ${dir}: ${(error as Error).message}`);
			}
		}
	}

	list(): Promise<HostedProject[]> {
		return Promise.all([...this.hosted.values()]);
	}

	/** Known projects (hosted now or before), for `status --everywhere`. */
	knownDirs(): string[] {
		return Object.keys(this.saved.projects).filter((d) => existsSync(stateDirOf(d)));
	}

	open(dir: string): Promise<HostedProject> {
		let hosted = this.hosted.get(dir);
		if (!hosted) {
			hosted = this.make(dir);
			this.hosted.set(dir, hosted);
			hosted.catch(() => this.hosted.delete(dir));
		}
		return hosted;
	}

	private async make(dir: string): Promise<HostedProject> {
		const config = loadConfig(dir);
		const entry: HostedProject = {
			dir,
			config,
			paused: this.saved.projects[dir]?.paused ?? false,
			sent: new Map(),
			decksKey: "",
			notices: [],
			project: undefined as unknown as Project,
		};
		const placed: PlacedProject = {
			dir,
			config: () => entry.config,
			records: () => entry.project?.store.list() ?? [],
		};
		this.placed.set(dir, placed);
		entry.project = await Project.open(dir, {
			backendFor: (job) => this.backends.for(job, entry.config, dir),
			slurmBackend: (cluster) => this.backends.slurm(cluster, entry.config, dir),
			defaults: () => settingsFrom({}, entry.config),
			budget: this.budget,
			notice: (message) => {
				entry.notices.push(message);
				if (entry.notices.length > 20) entry.notices.shift();
				this.log(`${dir}: ${message}`);
				this.broadcast({ event: "error", projectDir: dir, id: null, message });
			},
			afterEnd,
			placement: this.placer.for(placed),
		});
		this.wire(entry);
		entry.project.runner.setPaused(entry.paused);
		entry.decksKey = decksKey(entry);
		await entry.project.reattach();
		await entry.project.resumeQueued();
		this.remember(dir, {});
		return entry;
	}

	/** The settings a start asks for: the project's configuration (read again: it may have
	 * changed), the command line's flags on top, the asking shell's environment. */
	settingsFor(entry: HostedProject, flags: RunFlags, env: Record<string, string>): ProjectSettings {
		entry.config = loadConfig(entry.dir, { userFile: userConfigPath(env) });
		const settings = settingsFrom(flags, entry.config);
		return { ...settings, env, ...(flags.oversubscribe ? { oversubscribe: true } : {}) };
	}

	setPaused(entry: HostedProject, paused: boolean): void {
		entry.paused = paused;
		entry.project.runner.setPaused(paused);
		this.remember(entry.dir, { paused });
		this.broadcastJobs(entry);
	}

	/** Looks for decks added or removed; tells the clients when the list changed. A `quick`
	 * look (the periodic one) reads only folders whose times moved, and with none it is done:
	 * the jobs without a deck (adopted from SLURM) are told of by the request that adds them. */
	async rescan(entry: HostedProject, quick = false): Promise<void> {
		if (!(await entry.project.rescan(quick))) return;
		const key = decksKey(entry);
		if (key === entry.decksKey) return;
		entry.decksKey = key;
		this.broadcastJobs(entry);
	}

	broadcastJobs(entry: HostedProject): void {
		this.broadcast({ event: "jobs", projectDir: entry.dir, jobs: wireJobs(entry), paused: entry.paused });
	}

	/** Whether any job of any project is still queued or active. */
	async busy(): Promise<boolean> {
		await this.forgetVanished();
		for (const entry of await this.list()) {
			if (entry.project.store.list().some((r) => activeStates.has(r.state))) return true;
		}
		// A pool host with a stop_command is up: stay to take it down once idle.
		return this.placer.awaitsStop();
	}

	/** A project folder that was deleted has nothing left to follow: it is let go. */
	async forgetVanished(): Promise<void> {
		for (const entry of await this.list()) {
			if (existsSync(stateDirOf(entry.dir))) continue;
			this.hosted.delete(entry.dir);
			delete this.saved.projects[entry.dir];
			this.remember(entry.dir, {}, false);
			await entry.project.detach().catch(() => {});
			this.log(`${entry.dir} is gone: no longer hosted`);
		}
	}

	async close(): Promise<void> {
		this.placer.close();
		this.placed.clear();
		for (const entry of await Promise.allSettled([...this.hosted.values()])) {
			if (entry.status === "fulfilled") await entry.value.project.detach().catch(() => {});
		}
		await this.backends.close();
	}

	private wire(entry: HostedProject): void {
		const runner = entry.project.runner;
		const projectDir = entry.dir;
		runner.on("state", (id, change) => {
			if (change.state === "starting" || change.state === "queued") entry.sent.delete(id);
			const job = wireJob(entry, id);
			if (job) this.broadcast({ event: "state", projectDir, id, change, job });
		});
		runner.on("progress", (id, progress) => {
			this.broadcast({ event: "progress", projectDir, id, progress, history: this.delta(entry, id) });
		});
		runner.on("result", (id, result) => this.broadcast({ event: "result", projectDir, id, result }));
		runner.on("error", (id, error) => {
			this.log(`${projectDir}${id ? ` ${id}` : ""}: ${error.message}`);
			this.broadcast({ event: "error", projectDir, id, message: error.message });
		});
	}

	/** The points of a run's history not yet sent (the last one again: it may have changed). */
	private delta(entry: HostedProject, id: string): HistoryDelta | null {
		const history = entry.project.runner.history(id);
		if (!history) return null;
		const sent = entry.sent.get(id) ?? { scf: 0, opt: 0 };
		const delta = historySince(history, sent.scf, sent.opt);
		entry.sent.set(id, { scf: history.scfDropped + history.scf.length, opt: history.opt.length });
		return delta;
	}

	private remember(dir: string, change: { paused?: boolean }, keep = true): void {
		if (keep) this.saved.projects[dir] = { ...(this.saved.projects[dir] ?? {}), ...change };
		try {
			const tmp = `${this.registryPath}.tmp`;
			writeFileSync(tmp, JSON.stringify(this.saved, null, 1), { mode: 0o600 });
			renameSync(tmp, this.registryPath);
		} catch (error) {
			this.log(`cannot save ${this.registryPath}: ${(error as Error).message}`);
		}
	}
}

/** History points from absolute indexes `scf` and `opt` on (one back: the last may change). */
export function historySince(history: RunHistory, scf: number, opt: number): HistoryDelta {
	const scfFrom = Math.max(history.scfDropped, scf - 1);
	const optFrom = Math.max(0, opt - 1);
	return {
		scfFrom,
		scf: history.scf.slice(scfFrom - history.scfDropped),
		optFrom,
		opt: history.opt.slice(optFrom),
	};
}

function decksKey(entry: HostedProject): string {
	return entry.project.jobIds().join("\n");
}

export function wireJobs(entry: HostedProject): WireJob[] {
	// One read of the store for the whole list, not one per job.
	const order = entry.project.runner.queueOrder();
	const records = new Map(entry.project.store.list().map((r) => [r.jobId, r]));
	return entry.project.jobs().map((job) => toWire(entry, job, records.get(job.spec.id), order));
}

export function wireJob(entry: HostedProject, id: string): WireJob | null {
	const job = entry.project.jobs().find((j) => j.spec.id === id);
	if (!job) return null;
	return toWire(entry, job, entry.project.store.get(id), entry.project.runner.queueOrder());
}

function toWire(
	entry: HostedProject,
	job: ProjectJob,
	record: RunRecord | undefined,
	order: readonly string[],
): WireJob {
	const id = job.spec.id;
	const handle = record?.handle ?? null;
	let remote = false;
	if (handle) {
		try {
			remote = entry.project.runner.outputIsRemote(job.spec, handle);
		} catch {
			remote = false;
		}
	}
	const position = order.indexOf(id);
	return {
		spec: job.spec,
		deckPath: job.deckPath,
		state: job.state,
		detail: record?.detail ?? null,
		startedAt: job.startedAt,
		endedAt: job.endedAt,
		result: job.result,
		outputPath: localOutputPath(job.spec, handle, remote),
		printed: record?.offset ?? 0,
		runId: handle?.launchedAt ?? null,
		held: record?.held ?? false,
		queuePosition: position < 0 ? null : position + 1,
		recovery: record?.recovery ?? null,
	};
}

function readRegistry(path: string): SavedProjects {
	try {
		const parsed = JSON.parse(readFileSync(path, "utf8")) as SavedProjects;
		if (parsed && typeof parsed.projects === "object") return parsed;
	} catch {
		// None yet, or unreadable: start a new one.
	}
	return { projects: {} };
}
