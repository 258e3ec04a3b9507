/**
 * What `crystal-tui status` shows of each job of a project, made where the jobs are followed
 * (the supervisor), after a check of every followed job for its end: the truth now, not the
 * last thing a cockpit saw.
 */
import type { Project } from "./project.js";

export interface JobStatus {
	id: string;
	deck: string;
	state: string;
	detail: string | null;
	runner: string;
	host: string | null;
	/** A pool's job: the pool, and why it went to its host ("ws2: 6 of 8 cores free"). */
	pool: string | null;
	placement: string | null;
	startedAt: string | null;
	endedAt: string | null;
	finalEnergyHartree: number | null;
	success: boolean | null;
	exitCode: number | null;
}

export async function statusRows(project: Project): Promise<JobStatus[]> {
	await project.runner.refresh();
	const records = new Map(project.store.list().map((r) => [r.jobId, r]));
	return project.jobs().map((job) => {
		const record = records.get(job.spec.id);
		const iso = (ms: number | null | undefined) => (ms ? new Date(ms).toISOString() : null);
		return {
			id: job.spec.id,
			deck: job.deckPath,
			state: record?.state ?? "idle",
			detail: record?.detail ?? null,
			runner: job.spec.runner,
			host: job.spec.host ?? null,
			pool: job.spec.pool ?? null,
			placement: job.spec.placement ?? null,
			startedAt: iso(record?.startedAt),
			endedAt: iso(record?.endedAt),
			finalEnergyHartree: record?.result?.finalEnergyHartree ?? null,
			success: record?.result?.success ?? null,
			exitCode: record?.result?.exitCode ?? null,
		};
	});
}
