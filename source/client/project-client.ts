/**
 * A project as a client sees it: the jobs, states, progress and results the supervisor sends,
 * and the output each client follows itself from the local NAME.out files. It is the cockpit's
 * JobsController and what `run`, the plain watch, `status` and `stop` work through. It never
 * launches anything. When the supervisor goes away (killed, crashed), it starts a new one,
 * which re-adopts the jobs, and carries on: the output followers never depended on it.
 */
import { EventEmitter } from "node:events";
import type { JobsController, LogSlice, ProjectJob, QueueListing } from "../jobs/controller.js";
import { JobLogs } from "../jobs/job-logs.js";
import type { SearchDirection } from "../jobs/log-search.js";
import { type PropertiesFiles, readPropertiesFiles } from "../jobs/properties-files.js";
import { formatStatusEverywhere } from "../jobs/status-text.js";
import type { OptPoint, ScfPoint } from "../runner/history.js";
import {
	activeStates,
	endStates,
	type JobState,
	type RunnerEvents,
	type StateChange,
} from "../runner/runner.js";
import type {
	EventMessage,
	HistoryDelta,
	QueueOp,
	RecoverOp,
	RunFlags,
	StatusRow,
	WireJob,
} from "../supervisor/protocol.js";
import { SupervisorConnection } from "./connection.js";
import { JobOutput } from "./job-output.js";

export interface ClientOptions {
	version: string;
	flags: RunFlags;
	/** The environment jobs started from here run with. */
	env: Record<string, string>;
	/** Where what the supervisor has to tell the user goes (default: stderr). */
	notice?: (message: string) => void;
}

interface JobTrack {
	wire: WireJob;
	output: JobOutput | null;
	/** The run whose output is followed. */
	followedRun: number | null;
	scf: ScfPoint[];
	scfBase: number;
	opt: OptPoint[];
	optBase: number;
	/** Events of this job are handled in order (an end waits for the output to be read). */
	chain: Promise<void>;
}

export class ProjectClient implements JobsController {
	readonly runner = new EventEmitter<RunnerEvents>();
	/** The list of jobs changed (a deck appeared, a job was adopted). */
	private readonly changes = new EventEmitter<{ jobs: [] }>();
	private readonly tracks = new Map<string, JobTrack>();
	private readonly logs = new JobLogs();
	private following = false;
	private leaving = false;
	private paused = false;

	private constructor(
		readonly projectDir: string,
		private connection: SupervisorConnection,
		private readonly options: ClientOptions,
	) {}

	static async open(projectDir: string, options: ClientOptions): Promise<ProjectClient> {
		const connection = await SupervisorConnection.open(options.version);
		const client = new ProjectClient(projectDir, connection, options);
		try {
			await client.subscribe();
		} catch (error) {
			// Refused (a configuration mistake): nothing may hold the process open.
			client.leaving = true;
			connection.close();
			throw error;
		}
		return client;
	}

	get queuePaused(): boolean {
		return this.paused;
	}

	private async subscribe(): Promise<void> {
		this.connection.on("event", (event) => this.onEvent(event));
		this.connection.once("close", () => void this.reconnect());
		const snapshot = await this.connection.request("open", { projectDir: this.projectDir });
		this.paused = snapshot.paused;
		const notice = this.options.notice ?? ((m: string) => process.stderr.write(`crystal-tui: ${m}\n`));
		for (const message of snapshot.notices) notice(message);
		for (const job of snapshot.jobs) this.update(job, true);
		for (const [id, history] of Object.entries(snapshot.histories)) this.applyHistory(id, history);
		for (const [id, progress] of Object.entries(snapshot.progress)) {
			if (this.following) this.runner.emit("progress", id, progress);
		}
	}

	/** The supervisor went away: a new one is started, re-adopts the jobs, and we carry on. */
	private async reconnect(): Promise<void> {
		if (this.leaving) return;
		for (let attempt = 0; attempt < 20 && !this.leaving; attempt++) {
			try {
				this.connection = await SupervisorConnection.open(this.options.version);
				await this.subscribe();
				this.changes.emit("jobs");
				return;
			} catch {
				await new Promise((r) => setTimeout(r, 250 * (attempt + 1)));
			}
		}
		if (!this.leaving) this.say(null, "lost the crystal-tui supervisor");
	}

	/** What went wrong, to whoever listens (the cockpit shows it), else on stderr. */
	private say(id: string | null, message: string): void {
		if (this.runner.listenerCount("error") > 0) this.runner.emit("error", id, new Error(message));
		else process.stderr.write(`crystal-tui: ${id ? `${id}: ` : ""}${message}\n`);
	}

	/** A job's record changed (or arrived in a snapshot): keep it, follow its output. */
	private update(job: WireJob, fromSnapshot = false): void {
		const id = job.spec.id;
		let track = this.tracks.get(id);
		if (!track) {
			track = {
				wire: job,
				output: null,
				followedRun: null,
				scf: [],
				scfBase: 0,
				opt: [],
				optBase: 0,
				chain: Promise.resolve(),
			};
			this.tracks.set(id, track);
		}
		const before = track.wire;
		track.wire = job;
		if (fromSnapshot && this.following && before.state !== job.state) {
			// Changed while no supervisor was there to tell us: say it now.
			this.onState(id, { state: job.state as JobState, ...(job.detail ? { detail: job.detail } : {}) }, job);
		} else if (this.following) {
			this.followIfRunning(track);
		}
	}

	private followIfRunning(track: JobTrack): void {
		const job = track.wire;
		const live = job.state === "running" || job.state === "stopping";
		if (!live || job.runId === null) return;
		if (track.output && track.followedRun === job.runId) return;
		track.output?.close();
		track.followedRun = job.runId;
		const id = job.spec.id;
		// A run already printed from by an earlier client (same run): those lines are replay.
		track.output = new JobOutput(job.outputPath, job.printed, (batch) =>
			this.runner.emit("output", id, batch),
		);
	}

	private onEvent(event: EventMessage): void {
		if (event.projectDir !== this.projectDir) return;
		switch (event.event) {
			case "jobs":
				this.paused = event.paused;
				for (const job of event.jobs) this.update(job);
				this.changes.emit("jobs");
				return;
			case "state":
				this.onState(event.id, event.change, event.job);
				return;
			case "progress":
				if (event.history) this.applyHistory(event.id, event.history);
				this.inOrder(event.id, () => {
					this.runner.emit("progress", event.id, event.progress);
				});
				return;
			case "result":
				this.inOrder(event.id, async () => {
					await this.tracks.get(event.id)?.output?.finish();
					this.runner.emit("result", event.id, event.result);
				});
				return;
			case "error":
				this.say(event.id, event.message);
				return;
		}
	}

	private onState(id: string, change: StateChange, job: WireJob): void {
		const known = this.tracks.has(id);
		this.update(job);
		if (!known) this.changes.emit("jobs");
		const track = this.tracks.get(id);
		if (!track) return;
		if (change.state === "queued" || change.state === "starting") {
			track.scf = [];
			track.opt = [];
			track.scfBase = 0;
			track.optBase = 0;
		}
		this.inOrder(id, async () => {
			if (endStates.has(change.state)) {
				await track.output?.finish();
				track.output = null;
			}
			this.runner.emit("state", id, change);
		});
	}

	private inOrder(id: string, step: () => void | Promise<void>): void {
		const track = this.tracks.get(id);
		if (!track) {
			void step();
			return;
		}
		track.chain = track.chain.then(step).catch(() => {});
	}

	private applyHistory(id: string, delta: HistoryDelta): void {
		const track = this.tracks.get(id);
		if (!track) return;
		const splice = <T>(points: T[], base: number, from: number, add: T[]): { points: T[]; base: number } => {
			if (from < base || from - base > points.length) return { points: add.slice(), base: from };
			return { points: [...points.slice(0, from - base), ...add], base };
		};
		({ points: track.scf, base: track.scfBase } = splice(track.scf, track.scfBase, delta.scfFrom, delta.scf));
		({ points: track.opt, base: track.optBase } = splice(track.opt, track.optBase, delta.optFrom, delta.opt));
	}

	/** The SCF cycles and optimisation points of a job's run, from its first cycle. */
	history(id: string): { scf: readonly ScfPoint[]; opt: readonly OptPoint[] } | null {
		const track = this.tracks.get(id);
		return track ? { scf: track.scf, opt: track.opt } : null;
	}

	jobs(): ProjectJob[] {
		return [...this.tracks.values()]
			.map((t) => t.wire)
			.sort((a, b) => (a.spec.id < b.spec.id ? -1 : a.spec.id > b.spec.id ? 1 : 0))
			.map((w) => ({
				spec: w.spec,
				deckPath: w.deckPath,
				state: w.state,
				detail: w.detail,
				startedAt: w.startedAt,
				endedAt: w.endedAt,
				result: w.result,
				recovery: w.recovery ?? null,
			}));
	}

	/** The record a client knows of a job (detail, place in the queue, output file). */
	wire(id: string): WireJob | undefined {
		return this.tracks.get(id)?.wire;
	}

	onJobsChanged(listener: () => void): () => void {
		this.changes.on("jobs", listener);
		return () => this.changes.off("jobs", listener);
	}

	/** Starts following output and reporting: returns the ids of the jobs active now. */
	async reattach(): Promise<string[]> {
		this.following = true;
		for (const track of this.tracks.values()) this.followIfRunning(track);
		return [...this.tracks.values()]
			.filter((t) => activeStates.has(t.wire.state as JobState))
			.map((t) => t.wire.spec.id);
	}

	async startMany(decks: string[], options: { after?: string; freshOnly?: boolean } = {}): Promise<string[]> {
		const { ids } = await this.connection.request("start", {
			projectDir: this.projectDir,
			decks,
			...(options.after ? { after: options.after } : {}),
			...(options.freshOnly ? { freshOnly: true } : {}),
			flags: this.options.flags,
			env: this.options.env,
		});
		return ids;
	}

	async start(id: string): Promise<void> {
		await this.startMany([id]);
	}

	async stop(id: string, options: { force?: boolean } = {}): Promise<void> {
		await this.connection.request("stop", {
			projectDir: this.projectDir,
			jobs: [id],
			force: options.force ?? false,
			wait: false,
		});
	}

	async stopMany(typed: string[], options: { all?: boolean; force?: boolean }) {
		return this.connection.request("stop", {
			projectDir: this.projectDir,
			jobs: typed,
			all: options.all ?? false,
			force: options.force ?? false,
			wait: true,
		});
	}

	async restart(id: string): Promise<void> {
		await this.connection.request("restart", {
			projectDir: this.projectDir,
			id,
			flags: this.options.flags,
			env: this.options.env,
		});
	}

	/** Applies the proposed attempt of a failed job, or accepts the one that worked. */
	async recover(op: RecoverOp, id: string): Promise<string> {
		const { message } = await this.connection.request("recover", { projectDir: this.projectDir, id, op });
		return message;
	}

	async queueOp(op: QueueOp, id?: string): Promise<void> {
		// "pause" from the cockpit's one key switches between paused and running.
		const asked = op === "pause" && this.paused ? "resume" : op;
		await this.connection.request("queue", { projectDir: this.projectDir, op: asked, ...(id ? { id } : {}) });
	}

	async everywhere(): Promise<string[]> {
		return formatStatusEverywhere(await this.status(true))
			.replace(/\n$/, "")
			.split("\n");
	}

	async status(everywhere = false): Promise<StatusRow[]> {
		const { rows } = await this.connection.request("status", { projectDir: this.projectDir, everywhere });
		return rows;
	}

	async resolve(typed: string[]): Promise<string[]> {
		return (await this.connection.request("resolve", { projectDir: this.projectDir, typed })).ids;
	}

	/** A plain-output client printed a job's output up to `offset`. */
	printed(id: string, offset: number): void {
		this.connection.notify("ack", { projectDir: this.projectDir, id, offset });
	}

	queue(): Promise<QueueListing> {
		return this.connection.request("slurmQueue", { projectDir: this.projectDir });
	}

	async adopt(cluster: string, slurmJobId: string): Promise<string> {
		return (await this.connection.request("adopt", { projectDir: this.projectDir, cluster, slurmJobId })).id;
	}

	async propertiesFiles(id: string): Promise<PropertiesFiles | null> {
		const spec = this.tracks.get(id)?.wire.spec;
		if (spec?.program !== "properties") return null;
		return readPropertiesFiles(spec.dir, spec.name);
	}

	async readLog(id: string, start: number, count: number): Promise<LogSlice> {
		const path = this.tracks.get(id)?.wire.outputPath;
		return path ? this.logs.read(path, start, count) : { lines: [], total: 0 };
	}

	async searchLog(
		id: string,
		test: (line: string) => boolean,
		from: number | null,
		direction: SearchDirection,
	): Promise<number | null> {
		const path = this.tracks.get(id)?.wire.outputPath;
		return path ? this.logs.search(path, test, from, direction) : null;
	}

	/** Leave: stop following, leave every job to the supervisor. Returns the ids still active. */
	async detach(): Promise<string[]> {
		this.leaving = true;
		await Promise.allSettled([...this.tracks.values()].map((t) => t.chain));
		for (const track of this.tracks.values()) track.output?.close();
		this.connection.close();
		return [...this.tracks.values()]
			.filter((t) => activeStates.has(t.wire.state as JobState))
			.map((t) => t.wire.spec.id);
	}
}
