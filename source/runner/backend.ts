/**
 * What a backend (local, ssh, slurm) must do. The shared runner (`job-runner.ts`) owns the
 * queue, the state store, the parser and the events; a backend only launches the generated job
 * script somewhere, reads files there and signals the job. So the three differ only in how they
 * launch the script and how they read a file (DESIGN.md, "One job, every backend").
 */
import type { DeckInfo } from "../crystal/deck.js";
import type { EndWatch } from "./end-watch.js";
import type { JobSpec, RunnerKind } from "./runner.js";

/** Where a launched job lives, persisted in the state store so a later crystal-tui re-attaches. */
export interface JobHandle {
	runner: RunnerKind;
	host?: string;
	/** Job folder on the machine that runs the job (remote path for ssh/slurm). */
	workDir: string;
	/** Folder with the job script, PID record and exit record (on the machine that runs it). */
	runDir: string;
	/** Process group of the job script (local, ssh); null for slurm. */
	pgid: number | null;
	/** Start time of the group leader (clock ticks since boot, /proc/PID/stat field 22): tells a
	 * recycled PID from ours. */
	pidStart: string | null;
	/** SLURM job id. */
	slurmJobId?: string;
	launchedAt: number;
	/** The file followed as the job's output, when it is not `workDir/NAME.out`: a SLURM job
	 * adopted from the queue view writes where its own sbatch options said. */
	outputPath?: string;
	/** Started outside crystal-tui's launch (adopted from the SLURM queue): nothing of it is
	 * staged or retrieved, and with no exit record its end is what SLURM says. */
	adopted?: boolean;
}

/** Written atomically by the job script as its last act. */
export interface ExitRecord {
	/** CRYSTAL's exit status, 128+N when killed by signal N. */
	code: number;
	/** Epoch seconds when the script finished. */
	endedAt: number;
	/** Epoch seconds when the script started. */
	startedAt: number | null;
	/** "completed" or "terminated" (the script caught SIGTERM). */
	how: "completed" | "terminated";
	/** Results that could not be copied back to the job folder (names there, e.g. NAME.f9). */
	missing?: string[];
	/** The scratch folder kept because it holds the only copy of the missing results. */
	scratch?: string;
	/** Set when the results could not be brought back from the host that ran the job: why, and
	 * where they still are (added by the runner after retrieve, never written by the script). */
	notRetrieved?: string;
	/** Set when the record exists but could not be read (empty, cut short): why, for the user.
	 * The job is over and failed; `code` means nothing then. */
	unreadable?: string;
}

export type Liveness =
	| { alive: true; detail?: string }
	| {
			alive: false;
			exit: ExitRecord | null;
			detail?: string;
			/** Stopped by someone else's hand (SLURM: CANCELLED, an scancel from outside crystal-tui):
			 * cancelled like a stop asked for here, not failed. */
			cancelled?: boolean;
	  };

export interface FollowCallbacks {
	/** Bytes of NAME.out from the requested offset on, in order, without gaps. */
	data(chunk: Buffer): void;
	/** A transient failure (connection dropped); the backend retries by itself. */
	trouble(message: string): void;
}

export interface Follower {
	/** Ask for whatever has been appended so far now (e.g. before reading the exit record). */
	drain(): Promise<void>;
	close(): void;
}

export interface Backend {
	readonly kind: RunnerKind;
	/** Checks that need the machine (CRYSTAL found, host reachable, inputs present there).
	 * Throws LaunchError with a clear message; starts nothing. */
	preflight(job: JobSpec): Promise<void>;
	/** Write the job script (made with script.ts `jobScript`, with this backend's paths,
	 * executables and scheduler header), stage what the remote side needs, move an earlier
	 * NAME.out aside to NAME.out.prev, remove stale PID/exit records, and launch. */
	launch(job: JobSpec, deck: DeckInfo): Promise<JobHandle>;
	/** The handle of a job whose launch was cut short (crystal-tui stopped after the job started
	 * but before its handle was recorded), rebuilt from what the launch leaves beside the job
	 * (the PID record the script writes first; for SLURM the id sbatch gave), if that is from a
	 * launch at `since` (epoch ms) or later; null when there is no such trace. */
	recover(job: JobSpec, since: number): Promise<JobHandle | null>;
	/** Is the job still running? Reads the exit record when it is not. */
	liveness(handle: JobHandle): Promise<Liveness>;
	/** Tells of the job's end as it comes, where this machine's kernel can (a local run folder
	 * under inotify): `changed` is called when the job may have ended, and the runner asks
	 * liveness seldom instead of at every poll. Null, or absent: the runner polls. */
	watchEnd?(handle: JobHandle, changed: () => void): EndWatch | null;
	/** Liveness of many jobs with one query (SLURM: one squeue for all). */
	livenessMany?(handles: JobHandle[]): Promise<Map<JobHandle, Liveness>>;
	/** NAME.out is on another machine (SSH, a cluster reached over SSH): the runner mirrors it
	 * into the local job folder as it streams in. */
	outputIsRemote?(handle: JobHandle): boolean;
	/** Follows `outputFile` (NAME.out, or NAME.outp for properties) in the job's folder. */
	follow(handle: JobHandle, outputFile: string, offset: number, callbacks: FollowCallbacks): Follower;
	/** SIGTERM the whole job (then SIGKILL after graceMs), or SIGKILL at once when forced. */
	kill(handle: JobHandle, options: { force: boolean; graceMs: number }): Promise<void>;
	/** Bring results back to the local job folder after the end (ssh, remote slurm). */
	retrieve?(handle: JobHandle, job: JobSpec): Promise<void>;
	/** Release connections and timers. */
	close(): Promise<void>;
}
