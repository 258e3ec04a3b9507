/**
 * A JobsController for component tests: a real EventEmitter as the runner, and methods that
 * record what the UI asked for and emit the events a real runner would.
 */
import { EventEmitter } from "node:events";
import type { Progress } from "../../source/crystal/result.js";
import type { JobsController, LogSlice, ProjectJob, QueueListing } from "../../source/jobs/controller.js";
import { type SearchDirection, searchLines } from "../../source/jobs/log-search.js";
import type { JobResult, JobSpec, JobState, Runner, RunnerEvents } from "../../source/runner/runner.js";

class FakeRunner extends EventEmitter<RunnerEvents> implements Runner {
	async start(): Promise<void> {}
	async stop(): Promise<void> {}
	isRunning(): boolean {
		return false;
	}
	async attach(): Promise<boolean> {
		return false;
	}
	async detachAll(): Promise<void> {}
}

export function spec(name: string): JobSpec {
	return { id: name, name, dir: `/project/${name}`, runner: "local", parallelism: { ranks: 1, threads: 1 } };
}

export class FakeController implements JobsController {
	readonly projectDir = "/project";
	readonly runner = new FakeRunner();
	readonly calls: string[] = [];
	/** Whole logs on disk, for readLog. */
	readonly logs = new Map<string, string[]>();
	private readonly list: ProjectJob[];
	running: string[] = [];
	/** What queue() answers: no cluster unless a test sets one. */
	listing: QueueListing = { clusters: [], jobs: [], refreshSeconds: 30 };
	/** How many times queue() was asked. */
	queueCalls = 0;

	constructor(names: string[], states: Partial<Record<string, JobState>> = {}) {
		this.list = names.map((name) => ({
			spec: spec(name),
			deckPath: `${name}.d12`,
			state: states[name] ?? "idle",
			startedAt: null,
			endedAt: null,
			result: null,
		}));
	}

	jobs(): ProjectJob[] {
		return this.list;
	}
	async queueOp(op: string, id?: string): Promise<void> {
		this.calls.push(`queue ${op}${id ? ` ${id}` : ""}`);
	}
	/** What everywhere() answers: the lines of the "every project" view. */
	everywhereLines = ["/project", "mgo  running  local"];
	async everywhere(): Promise<string[]> {
		this.calls.push("everywhere");
		return this.everywhereLines;
	}
	async start(id: string): Promise<void> {
		this.calls.push(`start ${id}`);
	}
	async stop(id: string, options?: { force?: boolean }): Promise<void> {
		this.calls.push(`${options?.force ? "kill" : "stop"} ${id}`);
	}
	async restart(id: string): Promise<void> {
		this.calls.push(`restart ${id}`);
	}
	async readLog(id: string, start: number, count: number): Promise<LogSlice> {
		this.calls.push(`readLog ${id} ${start} ${count}`);
		const lines = this.logs.get(id) ?? [];
		return { lines: lines.slice(start, start + count), total: lines.length };
	}
	async searchLog(
		id: string,
		test: (line: string) => boolean,
		from: number | null,
		direction: SearchDirection,
	): Promise<number | null> {
		this.calls.push(`searchLog ${id} ${from} ${direction}`);
		const lines = this.logs.get(id) ?? [];
		return searchLines(
			async (start, count) => lines.slice(start, start + count),
			lines.length,
			test,
			from,
			direction,
		);
	}
	async reattach(): Promise<string[]> {
		return [];
	}
	async detach(): Promise<string[]> {
		this.calls.push("detach");
		return this.running;
	}
	async queue(): Promise<QueueListing> {
		this.queueCalls++;
		return this.listing;
	}
	/** Like the real one: a new job record (a pane), and the queue row marked as followed. */
	async adopt(cluster: string, slurmJobId: string): Promise<string> {
		this.calls.push(`adopt ${cluster} ${slurmJobId}`);
		const id = `slurm/${cluster}/${slurmJobId}`;
		const row = this.listing.jobs.find((j) => j.cluster === cluster && j.slurmJobId === slurmJobId);
		if (!row) throw new Error(`SLURM job ${slurmJobId} is not known on cluster ${cluster}`);
		const name = row.name;
		this.list.push({
			spec: { ...spec(name), id, runner: "slurm", host: cluster },
			deckPath: `${row.workDir}/${name}.out`,
			state: "running",
			startedAt: null,
			endedAt: null,
			result: null,
		});
		this.listing = {
			...this.listing,
			jobs: this.listing.jobs.map((j) => (j === row ? { ...j, followedAs: id } : j)),
		};
		return id;
	}

	state(id: string, state: JobState, detail?: string): void {
		this.runner.emit("state", id, detail ? { state, detail } : { state });
	}
	output(id: string, lines: string[], replay = false): void {
		this.runner.emit("output", id, { lines, offset: 0, replay });
	}
	progress(id: string, progress: Partial<Progress>): void {
		this.runner.emit("progress", id, { ...emptyProgress, ...progress });
	}
	result(id: string, result: JobResult): void {
		this.runner.emit("result", id, result);
	}
}

export const emptyProgress: Progress = {
	phase: "scf",
	scfCycle: null,
	energyHartree: null,
	deltaEHartree: null,
	deltaEHistory: [],
	optPoint: null,
	optEnergyHartree: null,
	optConvergence: null,
	elapsedSeconds: null,
	trend: null,
};

export function numbered(prefix: string, from: number, to: number): string[] {
	return Array.from({ length: to - from }, (_, i) => `${prefix} ${from + i}`);
}
