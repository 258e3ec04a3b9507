/**
 * Signalling and checking a job's process group on this machine. A job is its script's whole
 * group: the script, CRYSTAL, mpirun and every rank. PIDs are recycled, so the group leader is
 * recognised by its start time as well as its number.
 */
import { readFile } from "node:fs/promises";

/** Start time of a process in clock ticks since boot (/proc/PID/stat field 22); null off Linux. */
export async function processStartTime(pid: number): Promise<string | null> {
	try {
		const stat = await readFile(`/proc/${pid}/stat`, "utf8");
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
export async function processStartedAt(pid: number): Promise<{ ticks: string; at: number } | null> {
	const ticks = await processStartTime(pid);
	if (ticks === null) return null;
	try {
		const btime = /^btime (\d+)$/m.exec(await readFile("/proc/stat", "utf8"))?.[1];
		return btime === undefined ? null : { ticks, at: Number(btime) * 1000 + Number(ticks) * 10 };
	} catch {
		return null;
	}
}

/** Is any process of the group alive? With a start time, the leader must also be the same one
 * we launched when it still exists. */
export async function groupAlive(pgid: number, leaderStart: string | null): Promise<boolean> {
	try {
		process.kill(-pgid, 0);
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code !== "EPERM") return false;
	}
	if (leaderStart) {
		const now = await processStartTime(pgid);
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
