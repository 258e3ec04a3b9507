/**
 * What the runner persists about each job so that a later crystal-tui (or `crystal-tui stop`
 * from another shell) finds it again. The runner only needs this interface; the project's
 * SQLite store (source/jobs/state-store.ts) implements it.
 */
import type { DeckEdit } from "../crystal/deck/edit.js";
import type { JobHandle } from "./backend.js";
import type { JobResult, JobSpec, JobState } from "./runner.js";

export interface RunRecord {
	jobId: string;
	spec: JobSpec;
	state: JobState;
	detail: string | null;
	handle: JobHandle | null;
	/** Bytes of NAME.out already printed by a plain-output client (acknowledged), so that a
	 * later one prints each line exactly once. */
	offset: number;
	/** Epoch ms. */
	startedAt: number | null;
	endedAt: number | null;
	/** A stop was asked for (by this or another crystal-tui): an end without exit record is a
	 * cancellation, not a lost job. */
	stopRequested: boolean;
	result: JobResult | null;
	/** Queued but held back by the user until released. */
	held?: boolean;
	/** Place in the queue (smaller first): the order survives the supervisor. */
	queueOrder?: number;
	/** When the running job was flagged as frozen (no new output for frozen_minutes); null
	 * once output came again. */
	frozenAt?: number | null;
	/** The attempts of a run that failed and was (or may be) healed by its recovery policy. */
	recovery?: RecoveryRecord;
}

/** One attempt of a run, as kept in the record and shown by status --json and the result view. */
export interface AttemptEntry {
	/** 1 is the deck as written. */
	attempt: number;
	/** The ladder and its step this attempt climbed (none for the first). */
	ladder?: string;
	step?: string;
	/** `attempt 2: FMIXING 30 (default) -> 60, GUESSP from attempt 1`. */
	summary: string;
	/** Why this edit, in a chemist's words; empty for the first attempt. */
	reason: string;
	/** Unified diff from the previous attempt's deck; empty for the first. */
	diff: string;
	notes: string[];
	/** The deck it ran, relative to the job folder. */
	deck: string;
	/** Its NAME.out, kept beside its deck once it ended (the latest is NAME.out as well). */
	output: string | null;
	/** running, finished, or `failed: why`; null while queued. */
	outcome: string | null;
	/** The edits of this step alone (no GUESSP or RESTART, which only read restart files): what
	 * `recover accept` writes back into NAME.d12. */
	edits: DeckEdit[];
}

export interface RecoveryRecord {
	mode: "ask" | "auto";
	maxAttempts: number;
	attempts: AttemptEntry[];
	/** Why no further attempt is made, once given up. */
	gaveUp: string | null;
	/** With `ask`: the next attempt, waiting for the user to apply it. */
	proposal: AttemptEntry | null;
}

/** The records a store returns are its own, kept between calls: callers change copies of them. */
export interface RunStore {
	get(jobId: string): RunRecord | undefined;
	/** Insert or replace the whole record. */
	put(record: RunRecord): void;
	/** Cheap update on the hot path (every output batch). */
	setOffset(jobId: string, offset: number): void;
	list(): RunRecord[];
}
