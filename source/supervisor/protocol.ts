/**
 * The language of the supervisor's socket: one JSON object per line. A client sends requests
 * `{ seq, kind, args }` and gets one reply each, `{ seq, ok, value | error }`; replies and
 * events (`{ event, projectDir, ... }` for the projects it opened) arrive in order. The
 * protocol is versioned: a client newer than the running supervisor has it hand over (its
 * jobs untouched) and starts a new one, instead of talking to it in an old language.
 */

import { StringDecoder } from "node:string_decoder";
import type { Progress } from "../crystal/result.js";
import type { QueueListing } from "../jobs/controller.js";
import type { CommonFlags } from "../jobs/settings.js";
import type { JobStatus } from "../jobs/status-rows.js";
import type { OptPoint, ScfPoint } from "../runner/history.js";
import type { RecoveryRecord } from "../runner/run-store.js";
import type { JobResult, JobSpec, JobState, StateChange } from "../runner/runner.js";

export const protocolVersion = 1;

/** The flags of a command line that shape a run (jobs/settings.ts turns them into settings). */
export type RunFlags = CommonFlags;

/** A job as clients see it. */
export interface WireJob {
	spec: JobSpec;
	deckPath: string;
	state: JobState | "idle";
	detail: string | null;
	startedAt: number | null;
	endedAt: number | null;
	result: JobResult | null;
	/** The local file that holds its output (NAME.out, or the mirror of a remote one). */
	outputPath: string;
	/** Bytes of it a plain-output client already printed. */
	printed: number;
	/** When the run being shown was launched (a new value: a new NAME.out). */
	runId: number | null;
	held: boolean;
	/** Place among the project's queued jobs (1 = next), null when not queued. */
	queuePosition: number | null;
	/** The attempts of a run healed (or to be healed) by its recovery policy. */
	recovery?: RecoveryRecord | null;
}

export interface HistoryDelta {
	/** Index (counted from the run's first cycle) of `scf[0]`; points from there replace. */
	scfFrom: number;
	scf: ScfPoint[];
	optFrom: number;
	opt: OptPoint[];
}

export interface ProjectSnapshot {
	projectDir: string;
	jobs: WireJob[];
	paused: boolean;
	/** The history of every followed run, from its first cycle. */
	histories: Record<string, HistoryDelta>;
	progress: Record<string, Progress>;
	/** What the project's store has said to the user (a damaged store set aside and rebuilt). */
	notices: string[];
}

export interface StatusRow extends JobStatus {
	project: string;
}

export type QueueOp = "up" | "down" | "top" | "hold" | "release" | "pause" | "resume";

/** Every request with its arguments and its reply. */
export interface Requests {
	hello: {
		args: { protocol: number; version: string };
		reply: { protocol: number; version: string; pid: number };
	};
	handover: { args: Record<string, never>; reply: Record<string, never> };
	open: { args: { projectDir: string }; reply: ProjectSnapshot };
	start: {
		args: {
			projectDir: string;
			decks: string[];
			after?: string;
			flags: RunFlags;
			env: Record<string, string>;
			/** The demo: decks that never ran, all at once. */
			freshOnly?: boolean;
		};
		reply: { ids: string[] };
	};
	restart: {
		args: { projectDir: string; id: string; flags: RunFlags; env: Record<string, string> };
		reply: Record<string, never>;
	};
	stop: {
		args: { projectDir: string; jobs: string[]; all?: boolean; force?: boolean; wait?: boolean };
		reply: { stopped: { id: string; state: string }[] };
	};
	status: { args: { projectDir?: string; everywhere?: boolean }; reply: { rows: StatusRow[] } };
	ack: { args: { projectDir: string; id: string; offset: number }; reply: Record<string, never> };
	queue: { args: { projectDir: string; op: QueueOp; id?: string }; reply: Record<string, never> };
	slurmQueue: { args: { projectDir: string }; reply: QueueListing };
	adopt: { args: { projectDir: string; cluster: string; slurmJobId: string }; reply: { id: string } };
	resolve: { args: { projectDir: string; typed: string[] }; reply: { ids: string[] } };
	/** apply: start the attempt recovery proposed (recover = ask); accept: write the edit that
	 * worked into NAME.d12, after a backup. */
	recover: { args: { projectDir: string; id: string; op: RecoverOp }; reply: { message: string } };
}

export type RecoverOp = "apply" | "accept";

export type RequestKind = keyof Requests;

export type RequestMessage = {
	[K in RequestKind]: { seq: number; kind: K; args: Requests[K]["args"] };
}[RequestKind];

export type ReplyMessage =
	| { seq: number; ok: true; value: unknown }
	| { seq: number; ok: false; error: string; refused: boolean };

export type EventMessage =
	| { event: "state"; projectDir: string; id: string; change: StateChange; job: WireJob }
	| { event: "progress"; projectDir: string; id: string; progress: Progress; history: HistoryDelta | null }
	| { event: "result"; projectDir: string; id: string; result: JobResult }
	| { event: "error"; projectDir: string; id: string | null; message: string }
	| { event: "jobs"; projectDir: string; jobs: WireJob[]; paused: boolean };

export type ServerMessage = ReplyMessage | EventMessage;

/** Splits a byte stream into JSON messages, one per line. */
export class MessageReader<T> {
	private carry = "";
	/** A character cut between two reads stays whole. */
	private readonly decoder = new StringDecoder("utf8");

	constructor(private readonly onMessage: (message: T) => void) {}

	push(chunk: Buffer | string): void {
		const text = this.carry + (typeof chunk === "string" ? chunk : this.decoder.write(chunk));
		let start = 0;
		for (;;) {
			const nl = text.indexOf("\n", start);
			if (nl < 0) break;
			const line = text.slice(start, nl);
			start = nl + 1;
			if (line.trim()) this.onMessage(JSON.parse(line) as T);
		}
		this.carry = text.slice(start);
	}
}

export const encode = (message: unknown): string => `${JSON.stringify(message)}\n`;
