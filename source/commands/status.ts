/**
 * `crystal-tui status [--json]`: every job of the project with its state, from another shell
 * while jobs run. Jobs that ended while no crystal-tui was watching are collected first, so the
 * answer is the truth now, not the last thing a cockpit saw.
 */
import type { Project } from "../jobs/project.js";

export interface JobStatus {
	id: string;
	deck: string;
	state: string;
	detail: string | null;
	runner: string;
	host: string | null;
	/** The job's folder on the SSH host or cluster it runs on; null for local jobs. */
	remoteDir: string | null;
	startedAt: string | null;
	endedAt: string | null;
	finalEnergyHartree: number | null;
	success: boolean | null;
	exitCode: number | null;
}

export async function collectStatus(project: Project): Promise<JobStatus[]> {
	await project.reattach();
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
			startedAt: iso(record?.startedAt),
			endedAt: iso(record?.endedAt),
			finalEnergyHartree: record?.result?.finalEnergyHartree ?? null,
			success: record?.result?.success ?? null,
			exitCode: record?.result?.exitCode ?? null,
		};
	});
}

export function formatStatus(rows: JobStatus[]): string {
	if (rows.length === 0) return "no decks (*.d12) in this folder\n";
	const width = Math.max(...rows.map((r) => r.id.length), 3);
	const lines = rows.map((r) => {
		const energy = r.finalEnergyHartree === null ? "" : `  E = ${r.finalEnergyHartree} Ha`;
		const where = r.runner === "local" ? "local" : `${r.runner}:${r.host ?? "?"}`;
		// A finished job's detail is its energy, already in its column: said once.
		const detail = r.detail && r.detail !== r.state && `  ${r.detail}` !== energy ? `  ${r.detail}` : "";
		return `${r.id.padEnd(width)}  ${r.state.padEnd(9)}  ${where.padEnd(12)}${energy}${detail}`;
	});
	return `${"job".padEnd(width)}  ${"state".padEnd(9)}  ${"runner".padEnd(12)}\n${lines.join("\n")}\n`;
}
