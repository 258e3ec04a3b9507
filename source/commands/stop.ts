/**
 * `crystal-tui stop JOB... | --all [--force]`: stop jobs from another shell. SIGTERM to the
 * job's whole process group (CRYSTAL and every MPI rank), SIGKILL after the grace period, or at
 * once with --force; `scancel` for SLURM jobs.
 */
import type { Project } from "../jobs/project.js";
import { activeStates, LaunchError } from "../runner/runner.js";

export async function stopJobs(
	project: Project,
	typed: string[],
	options: { all: boolean; force: boolean },
	write: (text: string) => void,
): Promise<number> {
	await project.reattach();
	await project.runner.refresh();
	const active = project.store.list().filter((r) => activeStates.has(r.state));
	let ids: string[];
	if (options.all) {
		if (typed.length) throw new LaunchError("give job names or --all, not both");
		ids = active.map((r) => r.jobId);
		if (ids.length === 0) write("no job is running\n");
	} else {
		if (typed.length === 0)
			throw new LaunchError("which job? crystal-tui stop NAME... or crystal-tui stop --all");
		ids = typed.map((t) => project.resolveJob(t));
		for (const id of ids) {
			if (!active.some((r) => r.jobId === id)) throw new LaunchError(`${id} is not running`);
		}
	}
	for (const id of ids) {
		await project.stop(id, { force: options.force });
		await project.waitForEnd(id, 30_000);
		write(`${id}: ${project.store.get(id)?.state ?? "stopped"}\n`);
	}
	await project.detach();
	return 0;
}
