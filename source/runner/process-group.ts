/**
 * Signalling and checking a job's process group on this machine. A job is its script's whole
 * group: the script, CRYSTAL, mpirun and every rank. PIDs are recycled, so the group leader is
 * recognised by its start time as well as its number.
 *
 * /proc is read with plain system calls: it is the kernel's own memory, never a disk or a
 * network, and a round trip through libuv's thread pool cost far more than the read.
 */
import { readFileSync } from "node:fs";

/** Start time of a process in clock ticks since boot (/proc/PID/stat field 22); null off Linux. */
export function processStartTime(pid: number): string | null {
	try {
		const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
		// The command name (field 2) may contain spaces and parentheses: split after the last ')'.
		const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
		return fields[19] ?? null;
	} catch {
		return null;
	}
}

/** When a process started: its start time in ticks (as processStartTime) and in epoch ms, from
 * the boot time (the kernel reports /proc times in USER_HZ, 100 a second); null when it is gone
 * or off Linux. */
export function processStartedAt(pid: number): { ticks: string; at: number } | null {
	const ticks = processStartTime(pid);
	if (ticks === null) return null;
	try {
		const btime = /^btime (\d+)$/m.exec(readFileSync("/proc/stat", "utf8"))?.[1];
		return btime === undefined ? null : { ticks, at: Number(btime) * 1000 + Number(ticks) * 10 };
	} catch {
		return null;
	}
}

/** Is any process of the group alive? With a start time, the leader must also be the same one
 * we launched when it still exists. */
export function groupAlive(pgid: number, leaderStart: string | null): boolean {
	try {
		process.kill(-pgid, 0);
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code !== "EPERM") return false;
	}
	if (leaderStart) {
		const now = processStartTime(pgid);
		if (now !== null && now !== leaderStart) return false;
	}
	return true;
}

export function signalGroup(pgid: number, signal: NodeJS.Signals): void {
	try {
		process.kill(-pgid, signal);
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code !== "ESRCH") throw error;
	}
}
