/**
 * Every SLURM job state, in the terms crystal-tui follows a job by: still waiting for nodes,
 * running, finishing, or over, with a sentence for the pane.
 */

export type SlurmPhase = "waiting" | "running" | "ending" | "ended";

export interface SlurmStateInfo {
	phase: SlurmPhase;
	/** The sentence shown to the user. */
	text: string;
	/** For ended states: did SLURM end it (time limit, memory, node, preemption)? */
	killedBy?: "timeout" | "memory" | "node" | "preemption" | "cancel" | "other";
}

const states: Record<string, SlurmStateInfo> = {
	PENDING: { phase: "waiting", text: "PENDING" },
	CONFIGURING: { phase: "waiting", text: "CONFIGURING: nodes are booting" },
	REQUEUED: { phase: "waiting", text: "REQUEUED: back in the queue" },
	REQUEUE_HOLD: { phase: "waiting", text: "REQUEUED and held" },
	REQUEUE_FED: { phase: "waiting", text: "REQUEUED" },
	RESV_DEL_HOLD: { phase: "waiting", text: "held: its reservation was deleted" },
	RUNNING: { phase: "running", text: "RUNNING" },
	SUSPENDED: { phase: "running", text: "SUSPENDED by SLURM" },
	STOPPED: { phase: "running", text: "STOPPED by SLURM" },
	RESIZING: { phase: "running", text: "RESIZING" },
	SIGNALING: { phase: "running", text: "SIGNALING" },
	COMPLETING: { phase: "ending", text: "COMPLETING" },
	STAGE_OUT: { phase: "ending", text: "STAGE_OUT" },
	COMPLETED: { phase: "ended", text: "COMPLETED" },
	FAILED: { phase: "ended", text: "FAILED" },
	// One word for a stopped job everywhere crystal-tui shows one.
	CANCELLED: { phase: "ended", text: "cancelled", killedBy: "cancel" },
	TIMEOUT: { phase: "ended", text: "TIMEOUT: the time limit was reached", killedBy: "timeout" },
	OUT_OF_MEMORY: {
		phase: "ended",
		text: "OUT_OF_MEMORY: the job used more memory than it asked for",
		killedBy: "memory",
	},
	NODE_FAIL: { phase: "ended", text: "NODE_FAIL: a node of the job failed", killedBy: "node" },
	PREEMPTED: { phase: "ended", text: "PREEMPTED by a higher-priority job", killedBy: "preemption" },
	BOOT_FAIL: { phase: "ended", text: "BOOT_FAIL: the nodes did not boot", killedBy: "node" },
	DEADLINE: { phase: "ended", text: "DEADLINE: the deadline passed", killedBy: "timeout" },
	SPECIAL_EXIT: { phase: "ended", text: "SPECIAL_EXIT" },
	REVOKED: { phase: "ended", text: "REVOKED: the job ran on another cluster", killedBy: "other" },
};

/** `state` as squeue, scontrol or sacct print it ("CANCELLED by 1000", "PENDING"). */
export function slurmState(state: string, reason?: string | null): SlurmStateInfo {
	const word = state.trim().split(/[\s+]/)[0]?.toUpperCase() ?? "";
	const known = states[word];
	if (!known) return { phase: "running", text: `${word || "unknown state"} (not known to crystal-tui)` };
	const why = reason && reason !== "None" && reason !== "(null)" ? reason : null;
	if (word === "PENDING") return { ...known, text: why ? `PENDING (${why})` : "PENDING" };
	if (word === "FAILED" && why) return { ...known, text: `FAILED (${why})` };
	return known;
}

export const isActive = (info: SlurmStateInfo): boolean => info.phase !== "ended";
