/**
 * What the UI may do with the project's jobs. The cockpit talks to jobs only through this and
 * the runner's events (DESIGN.md, "The UI"): it never spawns a process or reads the store.
 */
import type { JobResult, JobSpec, JobState, Runner } from "../runner/runner.js";

/** A deck of the project and what is known of its last run. */
export interface ProjectJob {
	spec: JobSpec;
	/** Path of the deck relative to the project folder, for display. */
	deckPath: string;
	/** Last known state; "idle" when it has never run (or its record was cleared). */
	state: JobState | "idle";
	/** Epoch ms of the last start, if any. */
	startedAt: number | null;
	/** Epoch ms of the end of the last run, if it ended. */
	endedAt: number | null;
	/** Result of the last run, when it ended and was parsed. */
	result: JobResult | null;
}

export interface LogSlice {
	lines: string[];
	/** Lines in the whole log so far. */
	total: number;
}

export interface JobsController {
	readonly projectDir: string;
	readonly runner: Runner;
	/** Every deck of the project, in a stable order. */
	jobs(): ProjectJob[];
	/** Start (queue) a job; rejects with a LaunchError whose message says what is wrong. */
	start(id: string): Promise<void>;
	stop(id: string, options?: { force?: boolean }): Promise<void>;
	/** Stop if running, then start again. */
	restart(id: string): Promise<void>;
	/** Lines [start, start+count) of the job's whole output (NAME.out), for the zoomed view. */
	readLog(id: string, start: number, count: number): Promise<LogSlice>;
	/** Re-attach to every job still running from an earlier session. Returns their ids. */
	reattach(): Promise<string[]>;
	/** Leave: stop following, leave running jobs running. Returns the ids still running. */
	detach(): Promise<string[]>;
}
