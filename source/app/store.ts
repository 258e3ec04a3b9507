/**
 * The cockpit's view of every job, kept outside React: it listens to the runner's events,
 * holds a bounded ring of output lines per job, and tells React about changes at a bounded
 * rate (useSyncExternalStore), so a job printing thousands of lines a second costs at most
 * `maxRate` renders a second, never one per line.
 *
 * The clock of the screen (elapsed times) is part of the snapshot and ticks in the same
 * flushes: Ink lays out the whole tree on every React commit, so a clock of its own would add
 * commits of its own between the output flushes.
 *
 * Every flush costs a frame, whatever changed in it (Ink lays out and composes the whole
 * screen; ink-output.ts keeps that to about the rows that changed). A job prints a line every
 * few seconds for hours, so at rest the screen changes at most once a second: output shows at
 * `maxRate`, a lone line after a quiet spell at once, and the clock ticks only when a time on
 * screen changes (each second in a run's first minute, each minute after: see formatElapsed).
 * A running job's mark turns when its output grows, so a pane that prints nothing draws
 * nothing. While output floods a pane on screen (more new lines between two frames than the
 * pane shows, so that every row is replaced at each frame anyway) frames come at `floodRate`:
 * the pane is a blur at any rate. What the user does shows within `promptMs`.
 *
 * A flush that brings only what jobs do (output, progress, the clock, a change of state), for
 * panes of the grid on screen, goes to the painter (pane-painter.ts) rather than to React: it
 * writes the rows that changed straight onto the terminal. React hears of it at the next change
 * of anything else, and draws from the newest snapshot then.
 */
import type { Progress } from "../crystal/result.js";
import { runName } from "../crystal/staging.js";
import type { JobsController, ProjectJob } from "../jobs/controller.js";
import type { OptPoint, ScfPoint } from "../runner/history.js";
import type { RecoveryRecord } from "../runner/run-store.js";
import {
	activeStates,
	endStates,
	type JobResult,
	type JobState,
	type OutputBatch,
	type RunnerKind,
	type StateChange,
} from "../runner/runner.js";
import { nextElapsedChange } from "./format.js";
import { LineRing } from "./ring-buffer.js";

export type ViewState = JobState | "idle";

export type { OptPoint, ScfPoint };

/** One job as the screen shows it. A new object whenever something in it changed. */
export interface JobView {
	id: string;
	name: string;
	deckPath: string;
	runner: RunnerKind;
	host: string | null;
	/** The `[pools.NAME]` the job was started on: its host is the member it went to, once placed. */
	pool: string | null;
	state: ViewState;
	detail: string | null;
	progress: Progress | null;
	result: JobResult | null;
	startedAt: number | null;
	endedAt: number | null;
	/** Shared and growing: read lines by number, up to `total` (the count at this snapshot). */
	lines: LineRing;
	total: number;
	/** Ended while it was not on screen, and not looked at since. */
	unseen: boolean;
	/** How many flushes brought it new output: its running mark turns with it. */
	beat: number;
	/** SCF cycles and optimisation points of the current run, as far as seen. */
	scfHistory: readonly ScfPoint[];
	optHistory: readonly OptPoint[];
	/** The attempts of a run healed (or to be healed) by its recovery policy. */
	recovery: RecoveryRecord | null;
}

export interface Snapshot {
	jobs: readonly JobView[];
	/** The time the screen shows (elapsed times), taken at this flush. */
	now: number;
	/** Last message for the user (an error from the runner, a refused start), newest only. */
	message: { text: string; at: number } | null;
}

/** Draws what the jobs do (output, progress, clock, state) in the grid's panes without React. */
export interface QuietPainter {
	/** Whether the changes of these jobs (`states`: of their state too) can be drawn without React now. */
	accepts(ids: Iterable<string>, states: boolean): boolean;
	paint(): void;
}

export interface StoreOptions {
	/** Lines kept per job. */
	capacity?: number;
	/** Flushes per second at most for output and progress (states and messages go faster). */
	maxRate?: number;
	/** Flushes per second at most while output floods a pane on screen. */
	floodRate?: number;
	now?: () => number;
	/** A job ended while not on screen, or was flagged as frozen. */
	onNotice?: (job: JobView, state: JobState | "frozen") => void;
}

const historyLimit = 500;
/**
 * Flushes per second at most for output: a line of a job that prints every few seconds shows
 * within a second (at once after a quiet spell), and the clock's tick brings the same frame.
 */
export const defaultMaxRate = 1;
export const defaultFloodRate = 1;
/** Between flushes at least, for what the user did or a job's state: at once, to the eye. */
const promptMs = 50;

interface Entry {
	view: JobView;
	dirty: boolean;
	scf: ScfPoint[];
	opt: OptPoint[];
}

export class CockpitStore {
	private readonly entries = new Map<string, Entry>();
	private order: string[] = [];
	private snapshot: Snapshot = { jobs: [], now: 0, message: null };
	private message: Snapshot["message"] = null;
	private readonly listeners = new Set<() => void>();
	private timer: NodeJS.Timeout | null = null;
	/** When the pending timer fires. */
	private due = 0;
	private lastFlush = Number.NEGATIVE_INFINITY;
	private visible = new Set<string>();
	/** Output rows a pane on screen shows; more new lines than this between frames is a flood. */
	private visibleRows = Number.POSITIVE_INFINITY;
	/** New lines per job on screen since the last flush. */
	private readonly arrived = new Map<string, number>();
	private flooding = false;
	/** The window before the last flush was a flood: live figures that arrive on their own
	 * (the supervisor's progress events, between two reads of the output) wait for the flood
	 * rate too, instead of bringing a frame of their own at the trickle rate. */
	private flooded = false;
	private readonly floodInterval: number;
	private readonly capacity: number;
	private readonly interval: number;
	private readonly now: () => number;
	private readonly unsubscribers: (() => void)[] = [];
	private closed = false;
	private painter: QuietPainter | null = null;
	/** Something only React draws changed since it last heard (a message, the jobs). */
	private cold = true;
	/** A job's state or result changed since the last flush. */
	private statesChanged = false;

	constructor(
		private readonly controller: JobsController,
		private readonly options: StoreOptions = {},
	) {
		this.capacity = options.capacity ?? 5000;
		this.interval = 1000 / (options.maxRate ?? defaultMaxRate);
		this.floodInterval = Math.max(this.interval, 1000 / (options.floodRate ?? defaultFloodRate));
		this.now = options.now ?? Date.now;
		this.syncJobs();
		this.flush();
	}

	/** Starts listening to the runner. */
	listen(): void {
		const runner = this.controller.runner;
		const on = <E extends "state" | "output" | "progress" | "result" | "error">(
			event: E,
			handler: (...args: never[]) => void,
		) => {
			runner.on(event, handler as never);
			this.unsubscribers.push(() => runner.off(event, handler as never));
		};
		on("state", (id: string, change: StateChange) => this.onState(id, change));
		on("output", (id: string, batch: OutputBatch) => this.onOutput(id, batch));
		on("progress", (id: string, progress: Progress) => this.onProgress(id, progress));
		on("result", (id: string, result: JobResult) => this.onResult(id, result));
		on("error", (id: string | null, error: Error) =>
			this.say(id ? `${this.entries.get(id)?.view.name ?? id}: ${error.message}` : error.message),
		);
		const off = this.controller.onJobsChanged?.(() => this.syncJobs());
		if (off) this.unsubscribers.push(off);
	}

	close(): void {
		this.closed = true;
		for (const off of this.unsubscribers.splice(0)) off();
		if (this.timer) clearTimeout(this.timer);
		this.timer = null;
	}

	/** Hands the flushes of output and the clock to `painter` when it accepts them. */
	setPainter(painter: QuietPainter | null): void {
		this.painter = painter;
	}

	subscribe = (listener: () => void): (() => void) => {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	};

	getSnapshot = (): Snapshot => this.snapshot;

	/** Picks up decks that appeared since (and their last known state). */
	syncJobs(): void {
		for (const job of this.controller.jobs()) {
			if (!this.entries.has(job.spec.id)) this.entries.set(job.spec.id, this.newEntry(job));
		}
		const ids = [...this.entries.keys()];
		if (ids.join("\n") !== this.order.join("\n")) {
			this.order = ids;
			this.cold = true;
			this.schedule();
		}
	}

	/** Fills the view of jobs that ended before this cockpit started from their log on disk. */
	async loadEndedLogs(): Promise<void> {
		for (const entry of this.entries.values()) {
			const { view } = entry;
			if (view.lines.total > 0 || !endStates.has(view.state as JobState)) continue;
			const { total } = await this.controller.readLog(view.id, 0, 0);
			const start = Math.max(0, total - this.capacity);
			const slice = await this.controller.readLog(view.id, start, total - start);
			// Output that arrived meanwhile (a restart) wins over the old log.
			if (view.lines.total > 0) continue;
			view.lines.clear(start);
			view.lines.push(slice.lines);
			this.touch(entry, "view");
		}
	}

	/** Which jobs are on screen now, and how many output rows each shows: their "ended unseen"
	 * marks clear, the others can get one. */
	setVisible(ids: readonly string[], rows = Number.POSITIVE_INFINITY): void {
		this.visible = new Set(ids);
		this.visibleRows = rows;
		for (const id of ids) {
			const entry = this.entries.get(id);
			if (entry?.view.unseen) {
				entry.view.unseen = false;
				this.touch(entry, "view");
			}
		}
	}

	say(text: string): void {
		this.message = { text, at: this.now() };
		this.cold = true;
		this.schedule();
	}

	clearMessage(): void {
		if (!this.message) return;
		this.message = null;
		this.cold = true;
		this.schedule();
	}

	private newEntry(job: ProjectJob): Entry {
		return {
			dirty: true,
			scf: [],
			opt: [],
			view: {
				id: job.spec.id,
				// A properties run is `NAME.d3`, beside its SCF `NAME`.
				name: runName(job.spec.name, job.spec.program),
				deckPath: job.deckPath,
				runner: job.spec.runner,
				host: job.spec.host ?? null,
				pool: job.spec.pool ?? null,
				state: job.state,
				// A re-attached job keeps the reason of its state ("failed: SCF did not converge").
				detail: job.detail ?? null,
				progress: null,
				result: job.result,
				startedAt: job.startedAt,
				endedAt: job.endedAt,
				lines: new LineRing(this.capacity),
				total: 0,
				unseen: false,
				beat: 0,
				scfHistory: [],
				optHistory: [],
				recovery: job.recovery ?? null,
			},
		};
	}

	private entry(id: string): Entry | undefined {
		if (!this.entries.has(id)) this.syncJobs();
		return this.entries.get(id);
	}

	private onState(id: string, change: StateChange): void {
		const entry = this.entry(id);
		if (!entry) return;
		const view = entry.view;
		const before = view.state;
		const wasActive = activeStates.has(before as JobState);
		const now = this.now();
		const entering = change.state === "queued" || change.state === "starting" || change.state === "running";
		if (entering && change.state !== before) {
			// Where it runs, read at each step into a run (not at each detail, such as SLURM's
			// sync time): a new run may have been started elsewhere, and a pool's job gets its
			// host when it is placed, between queued and starting.
			const spec = this.controller.jobs().find((j) => j.spec.id === id)?.spec;
			if (spec) {
				view.runner = spec.runner;
				view.host = spec.host ?? null;
				view.pool = spec.pool ?? null;
			}
		}
		if ((change.state === "queued" || change.state === "starting") && !wasActive) {
			// A new run: its output and figures replace the last run's.
			view.lines.clear();
			view.progress = null;
			view.result = null;
			view.endedAt = null;
			view.startedAt = null;
			entry.scf = [];
			entry.opt = [];
		}
		if ((change.state === "starting" || change.state === "running") && view.startedAt === null) {
			view.startedAt = now;
		}
		if (endStates.has(change.state)) {
			if (view.endedAt === null || wasActive) view.endedAt = now;
			if (wasActive && !this.visible.has(id)) {
				view.unseen = true;
				this.options.onNotice?.(view, change.state);
			}
		}
		// A frozen run is news wherever the user looks: it may need a hand.
		if (change.frozen) this.options.onNotice?.(view, "frozen");
		view.state = change.state;
		view.detail = change.detail ?? null;
		// A state change is when the record of attempts changes (an attempt ended or began).
		view.recovery = this.controller.jobs().find((j) => j.spec.id === id)?.recovery ?? null;
		this.touch(entry, "state");
	}

	private onOutput(id: string, batch: OutputBatch): void {
		const entry = this.entry(id);
		if (!entry) return;
		entry.view.lines.push(batch.lines);
		if (this.visible.has(id)) {
			const arrived = (this.arrived.get(id) ?? 0) + batch.lines.length;
			this.arrived.set(id, arrived);
			if (arrived > this.visibleRows) this.flooding = true;
		}
		this.touch(entry, "output");
	}

	private onProgress(id: string, progress: Progress): void {
		const entry = this.entry(id);
		if (!entry) return;
		entry.view.progress = progress;
		// Where the parser runs the history is kept from the run's first cycle (also for a run
		// re-attached late); it wins over what this view saw of it.
		const kept = this.controller.history?.(id);
		if (kept) {
			entry.scf = kept.scf.slice(-historyLimit);
			entry.opt = kept.opt.slice(-historyLimit);
			this.touch(entry, "output");
			return;
		}
		if (progress.scfCycle !== null) {
			const last = entry.scf.at(-1);
			const point = {
				cycle: progress.scfCycle,
				energy: progress.energyHartree,
				deltaE: progress.deltaEHartree,
			};
			// A new SCF (next optimisation point) starts again at cycle 0 or 1: keep both runs.
			if (last?.cycle === point.cycle) entry.scf[entry.scf.length - 1] = point;
			else entry.scf.push(point);
			if (entry.scf.length > historyLimit) entry.scf.splice(0, entry.scf.length - historyLimit);
		}
		if (progress.optPoint !== null && progress.optEnergyHartree !== null) {
			const last = entry.opt.at(-1);
			if (last?.energy !== progress.optEnergyHartree) {
				entry.opt.push({ point: entry.opt.length + 1, energy: progress.optEnergyHartree });
			}
		}
		this.touch(entry, "output");
	}

	private onResult(id: string, result: JobResult): void {
		const entry = this.entry(id);
		if (!entry) return;
		entry.view.result = result;
		this.touch(entry, "state");
	}

	/**
	 * `output`: output or progress, which come in floods and wait for the output rate; `state`:
	 * what a job's pane and the header show of its state and result; `view`: anything else.
	 */
	private touch(entry: Entry, change: "output" | "state" | "view"): void {
		entry.dirty = true;
		if (change === "view") this.cold = true;
		if (change === "state") this.statesChanged = true;
		this.schedule(change === "output");
	}

	/** Something changed: flush as soon as its rate allows. */
	private schedule(stream = false): void {
		const interval = this.flooding || this.flooded ? this.floodInterval : this.interval;
		this.flushAt(this.lastFlush + (stream ? interval : promptMs));
	}

	/** One timer for changes and clock ticks alike; an earlier need moves it earlier. */
	private flushAt(at: number): void {
		const now = this.now();
		const due = Math.max(now, at);
		if (this.timer && this.due <= due) return;
		if (this.timer) clearTimeout(this.timer);
		this.due = due;
		this.timer = setTimeout(() => {
			this.timer = null;
			this.flush();
		}, due - now);
		// A pending redraw or clock tick never keeps the process alive on its own.
		this.timer.unref();
	}

	/** Makes the next snapshot now: changed jobs get new objects, the others are reused. */
	flush(): void {
		if (this.timer) clearTimeout(this.timer);
		this.timer = null;
		const now = this.now();
		this.lastFlush = now;
		this.arrived.clear();
		this.flooded = this.flooding;
		this.flooding = false;
		let tick = Number.POSITIVE_INFINITY;
		const jobs: JobView[] = [];
		const changed: string[] = [];
		for (const id of this.order) {
			const entry = this.entries.get(id) as Entry;
			const grew = entry.view.total !== entry.view.lines.total;
			if (entry.dirty || grew) {
				entry.view = {
					...entry.view,
					total: entry.view.lines.total,
					beat: grew ? entry.view.beat + 1 : entry.view.beat,
					scfHistory: entry.scf.slice(),
					optHistory: entry.opt.slice(),
				};
				entry.dirty = false;
				changed.push(id);
			}
			jobs.push(entry.view);
			const { startedAt, endedAt, state } = entry.view;
			if (startedAt !== null && endedAt === null && activeStates.has(state as JobState))
				tick = Math.min(tick, nextElapsedChange(startedAt, now));
		}
		this.snapshot = { jobs, now, message: this.message };
		// The clock ticks when a time on screen changes (never when nothing runs).
		if (tick < Number.POSITIVE_INFINITY && !this.closed) this.flushAt(tick);
		const states = this.statesChanged;
		this.statesChanged = false;
		if (!this.cold && this.painter?.accepts(changed, states)) {
			this.painter.paint();
			return;
		}
		this.cold = false;
		for (const listener of this.listeners) listener();
	}
}
