/**
 * The runner every caller uses, whatever the backend: it queues jobs, launches them through a
 * backend, follows NAME.out by byte offset into the parser, persists what a later crystal-tui
 * needs to re-attach, and turns it all into typed events. Backends only launch, read, signal.
 */
import { EventEmitter } from "node:events";
import type { DeckInfo } from "../crystal/deck.js";
import { CrystalParser } from "../crystal/parser.js";
import type { Progress } from "../crystal/result.js";
import { outputFileName } from "../crystal/staging.js";
import type { Backend, ExitRecord, Follower, JobHandle } from "./backend.js";
import type { CoreBudget } from "./core-budget.js";
import type { EndWatch } from "./end-watch.js";
import { RunHistory } from "./history.js";
import { endDetail, endState, jobResult } from "./job-result.js";
import { LineSplitter } from "./lines.js";
import { localOutputPath, OutputMirror } from "./output-mirror.js";
import { checkJobDeck } from "./preflight.js";
import { coresOf, type DependencyStatus, LaunchQueue } from "./queue.js";
import type { RecoveryRecord, RunRecord, RunStore } from "./run-store.js";
import {
	activeStates,
	type JobResult,
	type JobSpec,
	type JobState,
	LaunchError,
	type Runner,
	type RunnerEvents,
	type StopOptions,
} from "./runner.js";

/** How long a launch may take before a record still "starting" with no trace of the job
 * script is given up as lost (ssh and sbatch round trips included). */
const launchGraceMs = 60_000;

/** Where a job of a pool goes (the supervisor's placement), asked when its turn comes. */
export interface Placement {
	/** The job's spec on the member chosen now (host and reason set), or why it waits. */
	place(job: JobSpec): { spec: JobSpec } | { wait: string };
	/** The checks before launch failed on the chosen host: true when the host is down and the
	 * job is to be placed again (nothing of it was started there). */
	unreachable(job: JobSpec, error: unknown): Promise<boolean>;
	/** Called whenever a host may take work (came up, has cores again); returns the unsubscribe. */
	onChange(wake: () => void): () => void;
}

/** A pool job as it waits: no member chosen yet. */
export function unplaced(job: JobSpec): JobSpec {
	const { host: _host, placement: _placement, ...rest } = job;
	return rest;
}

export interface JobRunnerOptions {
	store: RunStore;
	/** The backend for a job (one per runner kind and host, owned by the caller). */
	backendFor(job: JobSpec): Backend;
	/** Jobs running at once on this machine (SLURM jobs are queued by SLURM, not here). */
	maxJobs: number;
	/** Between SIGTERM and SIGKILL on stop. */
	graceMs?: number;
	/** How often running jobs are checked for their end. */
	pollMs?: number;
	/** How often a job whose end its backend watches (a local exit record under inotify) is
	 * checked all the same: a job script killed outright (SIGKILL, the OOM killer) writes no
	 * record, and only its missing process group tells. */
	watchedPollMs?: number;
	/** The machine's cores, shared with the runners of other projects. */
	budget?: CoreBudget;
	/** Names the budget's entries of this runner apart from other projects' (the project folder). */
	budgetKey?: string;
	/** Told of every run's end before it is recorded: what its recovery policy makes of a
	 * failure, and the record of the attempts brought up to date (the supervisor's recovery step). */
	afterEnd?: (ended: EndedRun) => Promise<AfterEnd | null>;
	/** Chooses the host of each job of a pool before its launch. */
	placement?: Placement;
}

/** A run that has just ended, its output parsed to the end and its files staged back. */
export interface EndedRun {
	job: JobSpec;
	state: JobState;
	/** How it ended, in a sentence (SLURM's TIMEOUT, "SCF did not converge"). */
	detail: string;
	handle: JobHandle;
	record: RunRecord | undefined;
	result: JobResult;
	progress: Progress;
	/** NAME.out on this machine (the mirror of a remote one). */
	outputPath: string;
}

/** The record of what was (or may be) tried, and the next attempt when one is to run now. */
export interface AfterEnd {
	recovery: RecoveryRecord;
	detail: string;
	next?: JobSpec;
}

export interface StartOptions {
	held?: boolean;
	queueOrder?: number;
	/** A recovery attempt: the record of the attempts so far goes on with it. */
	recovery?: RecoveryRecord;
}

/** A job being followed: its output position, parser and follower. */
interface Tracker {
	job: JobSpec;
	handle: JobHandle;
	parser: CrystalParser;
	splitter: LineSplitter;
	follower: Follower | null;
	/** Lines ending at or before this offset were delivered before a re-attach. */
	replayUntil: number;
	lastProgress: string;
	ending: boolean;
	history: RunHistory;
	/** Bytes of NAME.out received so far (the follower starts at byte 0), and when the last came. */
	received: number;
	receivedAt: number | null;
	/** The local copy of a remote NAME.out. */
	mirror: OutputMirror | null;
	/** A passing trouble of the follower shown as the job's detail (connection lost...), and
	 * what the last liveness check said: each cleared from the band once over. */
	trouble: string | null;
	polled: string | null;
	/** The backend's watch on the job's end; null (or no longer live): checked at every poll. */
	endWatch: EndWatch | null;
	/** Stopped from here: checked at every poll until its end is seen (a script killed outright
	 * writes no exit record the watch would see). */
	stopping: boolean;
	/** When its liveness was last asked (epoch ms). */
	checkedAt: number;
}

export class JobRunner extends EventEmitter<RunnerEvents> implements Runner {
	private readonly store: RunStore;
	private readonly queue: LaunchQueue;
	private readonly trackers = new Map<string, Tracker>();
	private readonly launching = new Set<string>();
	/** Starts being checked: a second start of the same job meanwhile is refused, not run twice. */
	private readonly starting = new Set<string>();
	private readonly unsubscribeBudget: () => void;
	private readonly unsubscribePlacement: () => void;
	/** Pool jobs placed in this pump, by id: launched with the chosen host. */
	private readonly placed = new Map<string, JobSpec>();
	/** Why a pool job at the head of the queue waits (no host free, hosts down). */
	private readonly waits = new Map<string, string>();
	/** Launches under way: leaving waits for them, so that every job started is recorded. */
	private readonly launches = new Set<Promise<void>>();
	/** Left: no more launches from the queue (the jobs in it stay queued in the store). */
	private detached = false;
	private readonly decks = new Map<string, DeckInfo>();
	private readonly graceMs: number;
	private readonly pollMs: number;
	private readonly watchedPollMs: number;
	private timer: NodeJS.Timeout | null = null;
	/** The interval the timer runs at now. */
	private timerMs = 0;
	private polling = false;
	/** Jobs whose end watch fired: checked at once, apart from the interval. */
	private readonly woken = new Set<Tracker>();
	private wakeQueued = false;

	constructor(private readonly options: JobRunnerOptions) {
		super();
		this.store = options.store;
		this.queue = new LaunchQueue(options.maxJobs);
		this.graceMs = options.graceMs ?? 10_000;
		this.pollMs = options.pollMs ?? 1000;
		this.watchedPollMs = Math.max(this.pollMs, options.watchedPollMs ?? 5000);
		this.unsubscribeBudget = options.budget?.onFree(() => this.pump()) ?? (() => {});
		this.unsubscribePlacement = options.placement?.onChange(() => this.pump()) ?? (() => {});
	}

	isRunning(jobId: string): boolean {
		return this.trackers.has(jobId) || this.launching.has(jobId) || this.queue.has(jobId);
	}

	/** The SCF cycles and optimisation points of a followed job's run, from its byte 0. */
	history(jobId: string): RunHistory | null {
		return this.trackers.get(jobId)?.history ?? null;
	}

	/** Whether a job's NAME.out is mirrored from another machine. */
	outputIsRemote(job: JobSpec, handle: JobHandle): boolean {
		return this.options.backendFor(job).outputIsRemote?.(handle) ?? false;
	}

	/** Bytes of a followed job's NAME.out received so far (from byte 0), and when the last of
	 * them came (epoch ms; null: none yet); null when the job is not followed. */
	outputReceived(jobId: string): { bytes: number; at: number | null } | null {
		const tracker = this.trackers.get(jobId);
		return tracker ? { bytes: tracker.received, at: tracker.receivedAt } : null;
	}

	/** The live figures of a followed job now. */
	liveProgress(jobId: string): Progress | null {
		return this.trackers.get(jobId)?.parser.progress() ?? null;
	}

	/** Ids of the queued jobs, first to launch first. */
	queueOrder(): string[] {
		return this.queue.order();
	}

	get paused(): boolean {
		return this.queue.paused;
	}

	/** Pause or resume launches from this project's queue (running jobs go on). */
	setPaused(paused: boolean): void {
		this.queue.paused = paused;
		if (!paused) this.pump();
		else
			for (const id of this.queuedIds()) this.emit("state", id, { state: "queued", detail: "queue paused" });
	}

	/** Hold a queued job back, or release it. */
	hold(jobId: string, held: boolean): void {
		if (!this.queue.hold(jobId, held)) throw new LaunchError(`${jobId} is not queued`);
		const record = this.store.get(jobId);
		if (record) this.store.put({ ...record, held });
		this.pump();
	}

	/** Move a queued job `by` places towards the front (negative: back). */
	move(jobId: string, by: number): void {
		if (!this.queue.move(jobId, by)) throw new LaunchError(`${jobId} is not queued`);
		this.saveOrder();
		this.pump();
	}

	private saveOrder(): void {
		const base = Date.now() * 1000;
		this.queue.order().forEach((id, i) => {
			const record = this.store.get(id);
			if (record) this.store.put({ ...record, queueOrder: base + i });
		});
	}

	/** Everything start() checks, without starting: already running, deck and its files,
	 * CRYSTAL found. Throws LaunchError naming the file or setting. */
	async check(job: JobSpec): Promise<DeckInfo> {
		if (this.queue.has(job.id)) {
			throw new LaunchError(
				`${job.id} is already queued: crystal-tui stop ${job.id} takes it out of the queue`,
			);
		}
		if (this.isRunning(job.id)) {
			const since = this.store.get(job.id)?.startedAt;
			throw new LaunchError(
				`${job.id} is already running in ${job.dir}${since ? ` (started ${new Date(since).toLocaleString()})` : ""}: stop it first, or open crystal-tui there to watch it`,
			);
		}
		const earlier = this.store.get(job.id);
		if (earlier?.handle && activeStates.has(earlier.state)) {
			// Asked where the earlier run went (a pool's member), not where this one may go.
			const live = await this.options.backendFor(earlier.spec).liveness(earlier.handle);
			if (live.alive) {
				throw new LaunchError(
					`${job.name} is already running in ${job.dir} (started ${new Date(earlier.startedAt ?? 0).toLocaleString()}): stop it first, or open crystal-tui there to watch it`,
				);
			}
		}
		const deck = await checkJobDeck(job);
		// A pool's job is checked on the host it is placed on, just before it starts there.
		if (!job.pool) await this.options.backendFor(job).preflight(job);
		return deck;
	}

	async start(placedBefore: JobSpec, options: StartOptions = {}): Promise<void> {
		// A pool's job is placed when its turn comes, not where an earlier start placed it.
		const job = placedBefore.pool ? unplaced(placedBefore) : placedBefore;
		for (const parent of job.dependsOn ?? []) {
			if (!this.store.get(parent)) {
				throw new LaunchError(`${job.id} is to run after ${parent}, but ${parent} has never been started`);
			}
		}
		if (this.starting.has(job.id)) throw new LaunchError(`${job.id} is already being started`);
		this.starting.add(job.id);
		try {
			await this.enqueue(job, options);
		} finally {
			this.starting.delete(job.id);
		}
	}

	private async enqueue(job: JobSpec, options: StartOptions): Promise<void> {
		const deck = await this.check(job);
		this.decks.set(job.id, deck);
		// A later attempt of a healed run (also one queued again by a new supervisor) keeps the
		// record of the attempts before it; a run started by the user begins a new one.
		const recovery =
			options.recovery ?? ((job.attempt ?? 1) > 1 ? this.store.get(job.id)?.recovery : undefined);
		this.store.put({
			jobId: job.id,
			spec: job,
			state: "queued",
			detail: null,
			handle: null,
			offset: 0,
			startedAt: null,
			endedAt: null,
			stopRequested: false,
			result: null,
			...(options.held ? { held: true } : {}),
			queueOrder: options.queueOrder ?? Date.now() * 1000,
			...(recovery ? { recovery } : {}),
		});
		if (job.runner === "slurm") {
			// SLURM queues the job itself: submit at once.
			this.begin(job);
			return;
		}
		this.queue.push(job, { held: options.held ?? false });
		this.setState(job.id, "queued", options.held ? "held" : "waiting for a free slot");
		this.pump();
	}

	async stop(jobId: string, options: StopOptions = {}): Promise<void> {
		const queued = this.queue.remove(jobId);
		if (queued) {
			this.finishWithoutRun(jobId, "cancelled", "removed from the queue");
			return;
		}
		const record = this.store.get(jobId);
		const handle = this.trackers.get(jobId)?.handle ?? record?.handle;
		if (!record || !handle || !activeStates.has(record.state)) {
			throw new LaunchError(`${jobId} is not running`);
		}
		this.store.put({ ...record, stopRequested: true, state: "stopping", detail: "stopping" });
		const tracker = this.trackers.get(jobId);
		if (tracker) {
			tracker.stopping = true;
			this.ensurePolling();
		}
		this.emit("state", jobId, { state: "stopping", detail: options.force ? "killing" : "stopping" });
		await this.options
			.backendFor(record.spec)
			.kill(handle, { force: options.force ?? false, graceMs: this.graceMs });
		// The poll notices the end and reports it; speed it up when we are following the job.
		if (this.trackers.has(jobId)) await this.poll("all");
	}

	async attach(jobId: string): Promise<boolean> {
		if (this.trackers.has(jobId)) return true;
		if (this.launching.has(jobId)) return false;
		let record = this.store.get(jobId);
		if (record?.state === "starting" && !record.handle) record = await this.recoverLaunch(record);
		if (!record?.handle) return false;
		if (!activeStates.has(record.state) && !record.result) return false;
		this.follow(record.spec, record.handle, record.offset);
		if (!activeStates.has(record.state)) {
			// Ended and already reported: replay its output for the view, then its result.
			const tracker = this.trackers.get(jobId);
			if (tracker?.follower) await tracker.follower.drain();
			this.stopFollowing(jobId, true);
			if (record.result) this.emit("result", jobId, record.result);
			return true;
		}
		const tracker = this.trackers.get(jobId);
		if (tracker) this.watchEnd(tracker);
		this.ensurePolling();
		return true;
	}

	/**
	 * A record left "starting" without a handle: the crystal-tui that launched the job stopped
	 * (quit, crash, hang-up) between starting the job script and recording it. The job may well
	 * be running: its backend rebuilds the handle from what the launch left beside the job.
	 * With no trace of it after a grace time (another crystal-tui may still be launching it),
	 * the record says so instead of staying "starting" for ever.
	 */
	private async recoverLaunch(record: RunRecord): Promise<RunRecord | undefined> {
		const since = record.startedAt ?? 0;
		const backend = this.options.backendFor(record.spec);
		let handle: JobHandle | null = null;
		try {
			handle = await backend.recover(record.spec, since);
		} catch {
			// The host cannot be asked now (unreachable): ask again at the next start.
			return this.store.get(record.jobId);
		}
		const current = this.store.get(record.jobId);
		if (current?.state !== "starting" || current.handle) return current;
		if (handle) {
			const recovered = {
				...current,
				handle,
				state: "running" as const,
				detail: null,
				startedAt: handle.launchedAt,
			};
			this.store.put(recovered);
			this.emit("state", record.jobId, { state: "running", detail: "running" });
			return recovered;
		}
		if (Date.now() - since < launchGraceMs) return current;
		const where = record.spec.host ? ` on ${record.spec.host}` : "";
		const detail = `crystal-tui stopped while starting it and found no trace of the run${where}; start it again`;
		this.store.put({ ...current, state: "lost", detail, endedAt: Date.now() });
		this.emit("state", record.jobId, { state: "lost", detail });
		return undefined;
	}

	/** Check every followed job for its end now, instead of at the next poll. */
	async refresh(): Promise<void> {
		await this.poll("all");
	}

	async detachAll(): Promise<void> {
		this.detached = true;
		this.unsubscribeBudget();
		this.unsubscribePlacement();
		await Promise.allSettled([...this.launches]);
		if (this.timer) clearInterval(this.timer);
		this.timer = null;
		for (const id of [...this.trackers.keys()]) this.stopFollowing(id, false);
		for (const id of this.launching) this.releaseCores(id);
	}

	private budgetId(jobId: string): string {
		return `${this.options.budgetKey ?? ""}\u0000${jobId}`;
	}

	/** Whether a local job may launch now on the machine's cores (and takes them if so). */
	private takeCores(job: JobSpec): boolean {
		const budget = this.options.budget;
		if (!budget || job.runner !== "local") return true;
		return budget.take(this.budgetId(job.id), coresOf(job.parallelism), job.oversubscribe ?? false);
	}

	private releaseCores(jobId: string): void {
		this.options.budget?.release(this.budgetId(jobId));
	}

	private pump(): void {
		if (this.detached) return;
		const running =
			[...this.trackers.values()].filter((t) => t.job.runner !== "slurm").length + this.launching.size;
		const { launch, blocked } = this.queue.take(
			running,
			(id) => this.dependencyStatus(id),
			(job) => this.takeCores(job) && this.placeJob(job),
		);
		for (const job of blocked) this.finishWithoutRun(job.id, "cancelled", "a job it depends on failed");
		for (const job of launch) {
			this.begin(this.placed.get(job.id) ?? job);
			this.placed.delete(job.id);
		}
		for (const id of this.queuedIds()) {
			const ahead = this.queue.position(id) - 1;
			const waitingFor = (this.store.get(id)?.spec.dependsOn ?? []).filter(
				(parent) => this.dependencyStatus(parent) === "waiting",
			);
			const detail = this.queue.isHeld(id)
				? "held"
				: this.queue.paused
					? "queue paused"
					: waitingFor.length
						? `waiting for ${waitingFor.join(", ")} to finish`
						: ahead
							? `waiting for a free slot, ${ahead} ahead`
							: (this.waits.get(id) ?? "next in line");
			this.emit("state", id, { state: "queued", detail });
		}
	}

	/** A pool job at the head of the queue: placed on a member now (the record says where, so
	 * that the next placement counts it), or left waiting with the reason. */
	private placeJob(job: JobSpec): boolean {
		const placement = this.options.placement;
		if (!job.pool || !placement) return true;
		const answer = placement.place(unplaced(job));
		if ("wait" in answer) {
			this.waits.set(job.id, answer.wait);
			// Kept in the record too: `status` says why it waits.
			const record = this.store.get(job.id);
			if (record && record.detail !== answer.wait) this.store.put({ ...record, detail: answer.wait });
			return false;
		}
		this.waits.delete(job.id);
		this.placed.set(job.id, answer.spec);
		const record = this.store.get(job.id);
		if (record) this.store.put({ ...record, spec: answer.spec });
		return true;
	}

	/** A pool job whose host went down before anything of it started there: back at the head
	 * of the queue, to be placed elsewhere. */
	private requeue(job: JobSpec, why: string): void {
		const spec = unplaced(job);
		const record = this.store.get(job.id);
		if (record) this.store.put({ ...record, spec, state: "queued", detail: why, startedAt: null });
		this.queue.push(spec);
		this.queue.move(spec.id, Number.MAX_SAFE_INTEGER);
		this.emit("state", job.id, { state: "queued", detail: why });
	}

	private queuedIds(): string[] {
		return this.store
			.list()
			.filter((r) => r.state === "queued" && this.queue.has(r.jobId))
			.map((r) => r.jobId);
	}

	private dependencyStatus(jobId: string): DependencyStatus {
		const record = this.store.get(jobId);
		if (!record) return "failed";
		if (record.state === "finished") return "ok";
		return activeStates.has(record.state) ? "waiting" : "failed";
	}

	private begin(job: JobSpec): void {
		const launch = this.launch(job);
		this.launches.add(launch);
		void launch.finally(() => this.launches.delete(launch));
	}

	/** An error event for whoever listens; with nobody listening (a cockpit that has quit) the
	 * job's state says it, and the process must not die of it. */
	private report(jobId: string | null, error: unknown): void {
		if (this.listenerCount("error") === 0) return;
		this.emit("error", jobId, error instanceof Error ? error : new Error(String(error)));
	}

	private async launch(job: JobSpec): Promise<void> {
		this.launching.add(job.id);
		// When the launch began: a PID record older than this is an earlier run's (recoverLaunch).
		this.setState(job.id, "starting", job.placement, { startedAt: Date.now() });
		let checked = !job.pool;
		try {
			const deck = this.decks.get(job.id) ?? (await checkJobDeck(job));
			if (!checked) await this.options.backendFor(job).preflight(job);
			checked = true;
			const handle = await this.options.backendFor(job).launch(job, deck);
			const record = this.store.get(job.id);
			if (!record) throw new Error(`no record for ${job.id}`);
			this.store.put({ ...record, handle, state: "running", startedAt: handle.launchedAt, offset: 0 });
			this.follow(job, handle, 0, true);
			this.launching.delete(job.id);
			this.emit("state", job.id, { state: "running", detail: job.placement ?? "running" });
			const tracker = this.trackers.get(job.id);
			if (tracker) this.watchEnd(tracker);
			this.ensurePolling();
		} catch (error) {
			this.launching.delete(job.id);
			this.releaseCores(job.id);
			if (!checked && !this.detached && (await this.options.placement?.unreachable(job, error))) {
				this.requeue(job, `${job.host} did not answer: placed again`);
				this.pump();
				return;
			}
			const message = error instanceof Error ? error.message : String(error);
			this.report(job.id, error instanceof Error ? error : new Error(message));
			this.finishWithoutRun(job.id, "failed", `could not start: ${message}`);
		}
		this.pump();
	}

	private follow(job: JobSpec, handle: JobHandle, replayUntil: number, fresh = false): void {
		const backend = this.options.backendFor(job);
		const remote = backend.outputIsRemote?.(handle) ?? false;
		let mirror: OutputMirror | null = null;
		if (remote) {
			try {
				mirror = new OutputMirror(localOutputPath(job, handle, true), fresh);
			} catch (error) {
				this.report(job.id, error);
			}
		}
		const tracker: Tracker = {
			job,
			handle,
			parser: new CrystalParser(),
			splitter: new LineSplitter(0),
			follower: null,
			replayUntil,
			lastProgress: "",
			ending: false,
			history: new RunHistory(),
			received: 0,
			receivedAt: null,
			mirror,
			trouble: null,
			polled: null,
			endWatch: null,
			stopping: false,
			checkedAt: 0,
		};
		this.trackers.set(job.id, tracker);
		// A local job re-adopted after a supervisor stopped holds its cores again.
		if (job.runner === "local")
			this.options.budget?.take(this.budgetId(job.id), coresOf(job.parallelism), true);
		tracker.follower = this.options.backendFor(job).follow(handle, outputFileName(job.name, job.program), 0, {
			data: (chunk) => this.onData(tracker, chunk),
			trouble: (message) => {
				tracker.trouble = message;
				this.emit("state", job.id, { state: "running", detail: message });
			},
		});
	}

	private onData(tracker: Tracker, chunk: Buffer): void {
		if (tracker.mirror) {
			try {
				tracker.mirror.write(chunk, tracker.received);
			} catch (error) {
				this.report(tracker.job.id, error);
			}
		}
		tracker.received += chunk.length;
		tracker.receivedAt = Date.now();
		if (tracker.trouble !== null) this.troubleOver(tracker, "trouble");
		// After a re-attach one read often spans lines delivered before and new ones: cut it at
		// the delivered offset (always a line end) so each part is flagged right.
		const start = tracker.splitter.offset + tracker.splitter.pending;
		const cut = tracker.replayUntil - start;
		const parts = cut > 0 && cut < chunk.length ? [chunk.subarray(0, cut), chunk.subarray(cut)] : [chunk];
		for (const part of parts) {
			const { lines, offset } = tracker.splitter.push(part);
			this.deliver(tracker, lines, offset);
		}
	}

	private deliver(tracker: Tracker, lines: string[], offset: number, cut = false): void {
		if (lines.length === 0) return;
		// The parser gets the lines already split here: one split per byte, on the hot path. The
		// history takes the live figures once per cycle, also while a re-adopted run's whole
		// output streams in at once. A last line without newline was cut (CRYSTAL ends every
		// line): never its TERMINATION.
		const parser = tracker.parser;
		let mark = parser.liveMark();
		for (const line of lines) {
			if (cut) parser.feedCutLine(line);
			else parser.feedLine(line);
			const now = parser.liveMark();
			if (now !== mark) {
				mark = now;
				tracker.history.add(parser.progress());
			}
		}
		const id = tracker.job.id;
		const replay = offset <= tracker.replayUntil;
		this.emit("output", id, { lines, offset, replay });
		const progress = parser.progress();
		const key = JSON.stringify(progress);
		if (key !== tracker.lastProgress) {
			tracker.lastProgress = key;
			this.emit("progress", id, progress);
		}
	}

	/** Runs the poll at the pace the followed jobs need: every pollMs while one of them has
	 * no watch on its end (a remote job, a network file system), else only the seldom check
	 * of watched ones; none when nothing is followed. */
	private ensurePolling(): void {
		if (this.trackers.size === 0) {
			if (this.timer) clearInterval(this.timer);
			this.timer = null;
			return;
		}
		const period = [...this.trackers.values()].some((t) => t.stopping || !t.endWatch?.live)
			? this.pollMs
			: this.watchedPollMs;
		if (this.timer && this.timerMs === period) return;
		if (this.timer) clearInterval(this.timer);
		this.timerMs = period;
		// Not unref'd: while jobs are followed, the process stays to report them.
		this.timer = setInterval(() => void this.poll("tick"), period);
	}

	/** Asks the backend to tell of the job's end as it comes; looked at once at once, in case
	 * it ended before the watch was set. */
	private watchEnd(tracker: Tracker): void {
		const backend = this.options.backendFor(tracker.job);
		tracker.endWatch = backend.watchEnd?.(tracker.handle, () => this.wake(tracker)) ?? null;
		if (tracker.endWatch) this.wake(tracker);
	}

	/** The job may have ended (its end watch fired): checked as soon as no other check runs. */
	private wake(tracker: Tracker): void {
		if (!tracker.ending && this.trackers.get(tracker.job.id) === tracker) this.woken.add(tracker);
		if (this.wakeQueued || this.woken.size === 0) return;
		this.wakeQueued = true;
		setImmediate(() => {
			this.wakeQueued = false;
			void this.poll("woken");
		});
	}

	/**
	 * Checks followed jobs for their end (one query per backend where it can). At a tick: every
	 * job whose end is not watched, and watched ones not checked for watchedPollMs; "woken":
	 * those whose watch fired; "all": every one (a stop, a refresh).
	 */
	private async poll(which: "tick" | "woken" | "all"): Promise<void> {
		// A check already running: a woken job stays in `woken` and is checked after it.
		if (this.polling) return;
		this.polling = true;
		const now = Date.now();
		// With the timer at watchedPollMs, a watched job checked at the previous tick is due now.
		const seldom = this.watchedPollMs - Math.min(this.pollMs, this.watchedPollMs) / 2;
		const due = (t: Tracker): boolean =>
			which === "all" ||
			this.woken.has(t) ||
			(which === "tick" && (t.stopping || !t.endWatch?.live || now - t.checkedAt >= seldom));
		try {
			const live = [...this.trackers.values()].filter((t) => !t.ending && due(t));
			const byBackend = new Map<Backend, Tracker[]>();
			for (const t of live) {
				this.woken.delete(t);
				t.checkedAt = now;
				const backend = this.options.backendFor(t.job);
				byBackend.set(backend, [...(byBackend.get(backend) ?? []), t]);
			}
			for (const [backend, trackers] of byBackend) {
				const results = backend.livenessMany
					? await backend.livenessMany(trackers.map((t) => t.handle))
					: new Map(
							await Promise.all(
								trackers.map(async (t) => [t.handle, await backend.liveness(t.handle)] as const),
							),
						);
				for (const t of trackers) {
					const l = results.get(t.handle);
					if (!l) continue;
					if (l.alive) {
						if (l.detail) this.emit("state", t.job.id, { state: "running", detail: l.detail });
						else if (t.polled !== null) this.troubleOver(t, "polled");
						t.polled = l.detail ?? null;
						continue;
					}
					await this.finish(t, l.exit, l.detail, l.cancelled);
				}
			}
		} catch (error) {
			this.report(null, error);
		} finally {
			this.polling = false;
		}
		// Woken while this check ran: looked at now.
		for (const t of this.woken) if (t.ending || this.trackers.get(t.job.id) !== t) this.woken.delete(t);
		const next = this.woken.values().next();
		if (!next.done) this.wake(next.value);
		this.ensurePolling();
	}

	private async finish(
		tracker: Tracker,
		ended: ExitRecord | null,
		backendDetail?: string,
		cancelledOutside = false,
	): Promise<void> {
		let exit = ended;
		tracker.ending = true;
		const { job, handle } = tracker;
		const backend = this.options.backendFor(job);
		await tracker.follower?.drain();
		const last = tracker.splitter.flush();
		this.deliver(tracker, last.lines, last.offset, true);
		tracker.parser.end();
		tracker.mirror?.close();
		try {
			await backend.retrieve?.(handle, job);
		} catch (error) {
			this.report(job.id, error);
			// Results that stayed on the host: the run is not a success, and says where they are.
			const where = `${handle.host ?? "the host"}:${handle.workDir}`;
			const why = `results not brought back (${(error as Error).message}); they are still in ${where}`;
			if (exit) exit = { ...exit, notRetrieved: why };
		}
		const record = this.store.get(job.id);
		const endedAt = exit ? exit.endedAt * 1000 : Date.now();
		const startedAt = exit?.startedAt ? exit.startedAt * 1000 : (record?.startedAt ?? handle.launchedAt);
		const crystal = tracker.parser.result();
		const parsed = jobResult(job.id, crystal, exit, Math.max(0, (endedAt - startedAt) / 1000));
		// An adopted SLURM job need not be a CRYSTAL run: when its output never showed CRYSTAL's
		// banner, its exit status alone says whether it went well.
		const result =
			handle.adopted && crystal.program === null ? { ...parsed, success: exit?.code === 0 } : parsed;
		const stop = record?.stopRequested ? "here" : cancelledOutside ? "outside" : null;
		const state = endState(result, exit, stop);
		const detail = endDetail(result, exit, state, backendDetail, stop);
		const healing = await this.afterEnd(tracker, record, result, state, detail);
		this.stopFollowing(job.id, true);
		if (record)
			this.store.put({
				...record,
				// A run healed at once stays active: nobody waiting for it sees it end.
				state: healing?.next ? "queued" : state,
				...(healing?.next ? { spec: healing.next, handle: null } : {}),
				detail: healing?.detail ?? detail,
				endedAt,
				result,
				...(healing ? { recovery: healing.recovery } : {}),
			});
		this.emit("progress", job.id, tracker.parser.progress());
		this.emit("result", job.id, result);
		if (healing?.next) {
			const attempt = healing.recovery.attempts.at(-1)?.summary ?? "";
			this.emit("state", job.id, { state: "queued", detail: healing.detail, attempt });
			try {
				await this.start(healing.next, { recovery: healing.recovery });
			} catch (error) {
				const why = `${attempt} could not start: ${error instanceof Error ? error.message : String(error)}`;
				this.finishWithoutRun(job.id, "failed", why);
			}
		} else this.emit("state", job.id, { state, detail: healing?.detail ?? detail });
		this.pump();
	}

	/** The job answered again (output, or its host): the band stops saying it did not. */
	private troubleOver(tracker: Tracker, over: "trouble" | "polled"): void {
		tracker[over] = null;
		if (this.store.get(tracker.job.id)?.state !== "running") return;
		const detail = tracker.trouble ?? tracker.polled;
		this.emit("state", tracker.job.id, detail ? { state: "running", detail } : { state: "running" });
	}

	private async afterEnd(
		tracker: Tracker,
		record: RunRecord | undefined,
		result: JobResult,
		state: JobState,
		detail: string,
	): Promise<AfterEnd | null> {
		if (!this.options.afterEnd) return null;
		const { job, handle } = tracker;
		const remote = this.outputIsRemote(job, handle);
		try {
			return await this.options.afterEnd({
				job,
				state,
				detail,
				handle,
				record,
				result,
				progress: tracker.parser.progress(),
				outputPath: localOutputPath(job, handle, remote),
			});
		} catch (error) {
			this.report(job.id, error);
			return null;
		}
	}

	private stopFollowing(jobId: string, forget: boolean): void {
		const tracker = this.trackers.get(jobId);
		tracker?.follower?.close();
		tracker?.mirror?.close();
		tracker?.endWatch?.close();
		if (tracker) this.woken.delete(tracker);
		if (tracker && forget) this.releaseCores(jobId);
		if (forget || tracker) this.trackers.delete(jobId);
	}

	private finishWithoutRun(jobId: string, state: JobState, detail: string): void {
		const record = this.store.get(jobId);
		if (record) this.store.put({ ...record, state, detail, endedAt: Date.now() });
		this.emit("state", jobId, { state, detail });
	}

	private setState(jobId: string, state: JobState, detail?: string, more: Partial<RunRecord> = {}): void {
		const record = this.store.get(jobId);
		if (record) this.store.put({ ...record, ...more, state, detail: detail ?? null });
		this.emit("state", jobId, detail ? { state, detail } : { state });
	}
}
