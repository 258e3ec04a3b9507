/**
 * `crystal-tui stop JOB... | --all [--force]`: stop jobs from any shell, queued ones included
 * (a queued job is cancelled and never starts). The supervisor sends SIGTERM to the job's
 * whole process group (CRYSTAL and every MPI rank), SIGKILL after the grace period or at once
 * with --force, `scancel` for SLURM jobs.
 */
import type { ProjectClient } from "../client/project-client.js";

export async function stopJobs(
	client: ProjectClient,
	typed: string[],
	options: { all: boolean; force: boolean },
	write: (text: string) => void,
): Promise<number> {
	try {
		const { stopped } = await client.stopMany(typed, options);
		if (options.all && stopped.length === 0) write("no job is running\n");
		for (const { id, state } of stopped) write(`${id}: ${state}\n`);
	} finally {
		await client.detach();
	}
	return 0;
}
