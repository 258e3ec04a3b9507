/**
 * What `crystal-tui status` shows of each job of a project, made where the jobs are followed
 * (the supervisor), after a check of every followed job for its end: the truth now, not the
 * last thing a cockpit saw.
 */
import type { CrystalResult } from "../crystal/result.js";
import type { AttemptEntry } from "../runner/run-store.js";
import type { Project } from "./project.js";

export interface JobStatus {
	id: string;
	deck: string;
	state: string;
	detail: string | null;
	runner: string;
	host: string | null;
	/** The job's folder on the SSH host or cluster it runs on; null for local jobs. */
	remoteDir: string | null;
	/** A pool's job: the pool, and why it went to its host ("ws2: 6 of 8 cores free"). */
	pool: string | null;
	placement: string | null;
	startedAt: string | null;
	endedAt: string | null;
	finalEnergyHartree: number | null;
	success: boolean | null;
	exitCode: number | null;
	/** The parser's whole answer for the last run (the fields of `parse --json`), once it ended. */
	result: CrystalResult | null;
	/** off, ask or auto, and the attempts in all it allows. */
	recover: string;
	maxAttempts: number | null;
	/** Every attempt of the run with its edit, reason, diff and outcome (empty: never healed). */
	attempts: AttemptEntry[];
	/** Running, but no new output for frozen_minutes: flagged, never acted on. */
	frozen: boolean;
	/** Why recovery stopped trying, once it gave up. */
	gaveUp: string | null;
	/** With recover = ask: the change waiting to be applied. */
	proposal: AttemptEntry | null;
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
			remoteDir: record?.handle && record.handle.runner !== "local" ? record.handle.workDir : null,
			pool: job.spec.pool ?? null,
			placement: job.spec.placement ?? null,
			startedAt: iso(record?.startedAt),
			endedAt: iso(record?.endedAt),
			finalEnergyHartree: record?.result?.finalEnergyHartree ?? null,
			success: record?.result?.success ?? null,
			exitCode: record?.result?.exitCode ?? null,
			result: record?.result?.crystal ?? null,
			recover: job.spec.recovery?.mode ?? "off",
			maxAttempts: job.spec.recovery?.maxAttempts ?? null,
			attempts: record?.recovery?.attempts ?? [],
			frozen: record?.state === "running" && Boolean(record.frozenAt),
			gaveUp: record?.recovery?.gaveUp ?? null,
			proposal: record?.recovery?.proposal ?? null,
		};
	});
}
