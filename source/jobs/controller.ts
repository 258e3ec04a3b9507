/**
 * What the UI may do with the project's jobs. The cockpit talks to jobs only through this and
 * the jobs' events (DESIGN.md, "The UI"): it never spawns a process or reads the store.
 */
import type { EventEmitter } from "node:events";
import type { OptPoint, ScfPoint } from "../runner/history.js";
import type { RecoveryRecord } from "../runner/run-store.js";
import type { JobResult, JobSpec, JobState, RunnerEvents } from "../runner/runner.js";
import type { SearchDirection } from "./log-search.js";
import type { PropertiesFiles } from "./properties-files.js";

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
	/** Why it is in its state ("SCF did not converge"), as last recorded. */
	detail?: string | null;
	/** The attempts of a run healed (or to be healed) by its recovery policy. */
	recovery?: RecoveryRecord | null;
}

export interface LogSlice {
	lines: string[];
	/** Lines in the whole log so far. */
	total: number;
}

/** One of the user's SLURM jobs, as the queue view lists it. */
export interface QueueJob {
	/** The `[clusters.NAME]` it runs on. */
	cluster: string;
	/** SLURM job id. */
	slurmJobId: string;
	name: string;
	/** State word as SLURM prints it (PENDING, RUNNING, COMPLETED, ...). */
	state: string;
	/** The state in a sentence, with the reason of a pending job: "PENDING (Resources)". */
	stateText: string;
	/** Still pending or running (not ended). */
	active: boolean;
	timeUsed: string;
	nodes: string;
	partition: string;
	workDir: string;
	/** Submitted by a crystal-tui (its job script), here or in another project. */
	fromCrystalTui: boolean;
	/** The job id of the pane of this project that follows it, if any. */
	followedAs: string | null;
}

export interface ClusterSync {
	name: string;
	/** Epoch ms of the squeue answer the listing comes from; null if none came. */
	syncedAt: number | null;
	/** Why the cluster could not be asked, if it could not. */
	error: string | null;
}

export interface QueueListing {
	/** The configured clusters; empty when the configuration defines none. */
	clusters: ClusterSync[];
	jobs: QueueJob[];
	/** How often asking again is worth it: the shortest configured poll interval, seconds. */
	refreshSeconds: number;
}

export interface JobsController {
	readonly projectDir: string;
	/** The jobs' events: state, output, progress, result, error. */
	readonly runner: EventEmitter<RunnerEvents>;
	/** Tells when the list of jobs changed (a deck appeared, a run started elsewhere). */
	onJobsChanged?(listener: () => void): () => void;
	/** Queue management (pueue's model): move a queued job, hold or release it, pause or
	 * resume the whole queue ("pause" toggles). */
	queueOp?(op: "up" | "down" | "hold" | "release" | "pause" | "resume", id?: string): Promise<void>;
	/** The jobs of every project the supervisor knows, as lines for a view. */
	everywhere?(): Promise<string[]>;
	/** The whole SCF and optimisation history of a job's run, when it is known. */
	history?(id: string): { scf: readonly ScfPoint[]; opt: readonly OptPoint[] } | null;
	/** Every deck of the project, in a stable order. */
	jobs(): ProjectJob[];
	/** Start (queue) a job; rejects with a LaunchError whose message says what is wrong. */
	start(id: string): Promise<void>;
	stop(id: string, options?: { force?: boolean }): Promise<void>;
	/** Stop if running, then start again. */
	restart(id: string): Promise<void>;
	/** apply: run the attempt recovery proposed for a failed job; accept: write the edit that
	 * worked into its NAME.d12 (after a backup). Resolves with a sentence for the user. */
	recover?(op: "apply" | "accept", id: string): Promise<string>;
	/** What a properties job's run left in its folder (bands, DOS), for its result view; null
	 * for a job that is not a properties run. */
	propertiesFiles?(id: string): Promise<PropertiesFiles | null>;
	/** Lines [start, start+count) of the job's whole output (NAME.out), for the zoomed view. */
	readLog(id: string, start: number, count: number): Promise<LogSlice>;
	/** The number of the next line of the job's whole output that `test` accepts, from line
	 * `from` (not included; null: from the end, or the start) towards older or newer lines,
	 * wrapping around once; null when no line does. For search in the zoomed view. */
	searchLog(
		id: string,
		test: (line: string) => boolean,
		from: number | null,
		direction: SearchDirection,
	): Promise<number | null>;
	/** Re-attach to every job still running from an earlier session. Returns their ids. */
	reattach(): Promise<string[]>;
	/** Leave: stop following, leave running jobs running. Returns the ids still running. */
	detach(): Promise<string[]>;
	/** The user's jobs on every configured SLURM cluster, including those crystal-tui did not
	 * start. SLURM is asked at most once per configured poll interval. */
	queue(): Promise<QueueListing>;
	/** Follows a SLURM job of the queue as a pane (its output file, its end from SLURM); returns
	 * the pane's job id. Rejects with a LaunchError saying why it cannot. */
	adopt(cluster: string, slurmJobId: string): Promise<string>;
}
