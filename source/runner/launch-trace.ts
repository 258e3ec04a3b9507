/**
 * Whether what a launch leaves beside a job (the script's PID record, the id sbatch gave) is
 * from the launch a later crystal-tui is looking for (Backend.recover), and whether the process
 * under a recorded PID is still the job's. One rule for every backend.
 */

/** File times on a remote host come in whole seconds, and its clock is only known to a tick;
 * on this machine they are exact, and a second covers any coarser file system. */
export const remoteSlackMs = 2000;
export const localSlackMs = 1000;
/** The script writes its PID record as it starts. */
const startSlackMs = 10_000;

/** A record written at `writtenAt` belongs to a launch begun at `since` or earlier ones. */
export function writtenSince(writtenAt: number, since: number, slackMs = remoteSlackMs): boolean {
	return writtenAt >= since - slackMs;
}

/** The process under a recorded PID started with the record: a process that started at another
 * time got the number after the job ended. */
export function startedWithRecord(startedAt: number | null, writtenAt: number): boolean {
	return startedAt !== null && Math.abs(startedAt - writtenAt) < startSlackMs;
}
