/**
 * What the runner persists about each job so that a later crystal-tui (or `crystal-tui stop`
 * from another shell) finds it again. The runner only needs this interface; the project's
 * SQLite store (source/jobs/state-store.ts) implements it.
 */
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
}

export interface RunStore {
	get(jobId: string): RunRecord | undefined;
	/** Insert or replace the whole record. */
	put(record: RunRecord): void;
	/** Cheap update on the hot path (every output batch). */
	setOffset(jobId: string, offset: number): void;
	list(): RunRecord[];
}
