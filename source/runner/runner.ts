/**
 * The runner module's public shape: one typed EventEmitter for every backend (local, SSH,
 * SLURM). The UI and the command line see jobs only through these events and methods.
 */
import type { EventEmitter } from "node:events";
import type { ContainerConfig } from "../config/container.js";
import type { CrystalResult, Progress } from "../crystal/result.js";
import type { JobProgram } from "../crystal/staging.js";

export type JobState =
	| "queued"
	| "starting"
	| "running"
	| "stopping"
	| "finished"
	| "failed"
	| "cancelled"
	| "lost";

export const activeStates: ReadonlySet<JobState> = new Set(["queued", "starting", "running", "stopping"]);
export const endStates: ReadonlySet<JobState> = new Set(["finished", "failed", "cancelled", "lost"]);

export type RunnerKind = "local" | "ssh" | "slurm";

/** How CRYSTAL is run: one serial process, or MPI ranks each with some OpenMP threads. */
export interface Parallelism {
	/** MPI ranks; 1 means serial crystalOMP. */
	ranks: number;
	/** OMP_NUM_THREADS per rank. */
	threads: number;
	/** Run even when ranks x threads exceed the cores (--oversubscribe). */
	oversubscribe?: boolean;
}

/** Everything needed to launch one deck. */
export interface JobSpec {
	/** Stable identity: the deck's path relative to the project folder, without `.d12`; a
	 * properties deck keeps its `.d3` (`mgo.d3` runs after `mgo`). */
	id: string;
	/** Deck base name (NAME of NAME.d12 or NAME.d3). */
	name: string;
	/** "properties" for a NAME.d3 deck (CRYSTAL's properties program on NAME.f9); absent: the
	 * crystal program on NAME.d12. */
	program?: JobProgram;
	/** Absolute path of the folder holding the deck (the job folder). */
	dir: string;
	runner: RunnerKind;
	/** Host or cluster name from the configuration, for ssh and slurm. */
	host?: string;
	/** A `[pools.NAME]` the job was started on: `host` is the member it was placed on when it
	 * started (unset while it waits), `placement` why ("ws2: 6 of 8 cores free"). */
	pool?: string;
	placement?: string;
	parallelism: Parallelism;
	/** Keep the scratch folder even when the run succeeds. */
	keepScratch?: boolean;
	/** Job ids that must finish successfully first (SLURM afterok, local queue). */
	dependsOn?: string[];
	/** Another deck of the same folder whose NAME.gui (its optimised geometry) this job reads
	 * with EXTERNAL, instead of a NAME.gui of its own. */
	geometryFrom?: string;
	/** Backend-specific settings (SLURM partition, time limit, ...), validated by the config. */
	options?: Record<string, string | number | boolean>;
	/** The project folder the job belongs to (remote folders are placed by it). */
	projectDir?: string;
	/** Folder with the CRYSTAL executables asked for (--crystal-dir, crystal_dir). */
	crystalDir?: string | null;
	/** The environment of the shell that started the job: a local job runs with it, whoever
	 * launches it later (the supervisor, after a wait in the queue). */
	env?: Record<string, string>;
	/** At most this many jobs of its project run at once (--max-jobs). */
	maxJobs?: number;
	/** May start although the cores are taken (the user asked for oversubscription). */
	oversubscribe?: boolean;
	/** A local job runs CRYSTAL inside this container ([defaults] container); SSH and SLURM
	 * jobs use their host's or cluster's entry. */
	container?: ContainerConfig;
	/** What the supervisor does when the run fails ([defaults], the host or cluster entry,
	 * `run --recover`): carried here so that a later supervisor heals it the same way. */
	recovery?: RecoveryPolicy;
	/** The deck this run stages as INPUT, relative to `dir`, instead of NAME.d12: an attempt's
	 * own deck (`.crystal-tui/runs/NAME/attempt-2/NAME.d12`); the user's deck is never edited. */
	deckPath?: string;
	/** Which attempt of the run this is: 1 (or absent) is the deck as written. */
	attempt?: number;
}

export interface RecoveryPolicy {
	mode: "off" | "ask" | "auto";
	/** Attempts in all, the first included. */
	maxAttempts: number;
	/** A run with no new output for this long while its process lives is flagged as frozen. */
	frozenMinutes: number;
}

/** What a run ended with. `crystal` is the parser's final result for NAME.out. */
export interface JobResult {
	jobId: string;
	/** The run ended normally, the SCF (and optimisation) converged, no CRYSTAL error. */
	success: boolean;
	finalEnergyHartree: number | null;
	scfConverged: boolean | null;
	optConverged: boolean | null;
	errors: string[];
	warnings: string[];
	/** Exit status of CRYSTAL as recorded by the job script; null if it left no record. */
	exitCode: number | null;
	/** Wall time of the whole job as seen by the runner, seconds. */
	wallTimeSeconds: number | null;
	crystal: CrystalResult;
}

export interface StateChange {
	state: JobState;
	/** A sentence for the user: "queued: 2 jobs ahead", "PENDING (Resources)", "exit 1". */
	detail?: string;
	/** A failed run starts again by its recovery policy: the new attempt's summary. */
	attempt?: string;
	/** A running job flagged as frozen (true) or writing again (false). */
	frozen?: boolean;
}

export interface OutputBatch {
	lines: string[];
	/** Byte offset in NAME.out just after the last line of this batch. */
	offset: number;
	/** Lines already delivered before a re-attach, sent again only to rebuild a view. */
	replay: boolean;
}

export interface RunnerEvents {
	state: [jobId: string, change: StateChange];
	output: [jobId: string, batch: OutputBatch];
	progress: [jobId: string, progress: Progress];
	result: [jobId: string, result: JobResult];
	error: [jobId: string | null, error: Error];
}

export interface StopOptions {
	/** SIGKILL at once instead of SIGTERM then SIGKILL after the grace period. */
	force?: boolean;
}

export interface Runner extends EventEmitter<RunnerEvents> {
	/** Queue a job; it launches when its turn comes. Rejects (nothing started) on bad input. */
	start(job: JobSpec): Promise<void>;
	stop(jobId: string, options?: StopOptions): Promise<void>;
	isRunning(jobId: string): boolean;
	/** Follow a job started earlier (by this or another crystal-tui); false if nothing to attach. */
	attach(jobId: string): Promise<boolean>;
	/** Stop following every job without touching them, release timers and connections. */
	detachAll(): Promise<void>;
}

/** A launch refused before anything was started; the message names the file or key. */
export class LaunchError extends Error {
	override name = "LaunchError";
}
