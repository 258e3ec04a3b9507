/**
 * The text of `crystal-tui status`: every job of the project with its state, as the supervisor
 * knows it (it follows every job, also with no client open); `--all` and the cockpit's "every
 * project" view group the rows by project.
 */
import type { JobStatus } from "./status-rows.js";

export function formatStatus(rows: JobStatus[]): string {
	if (rows.length === 0) return "no decks (*.d12, *.d3) in this folder\n";
	const width = Math.max(...rows.map((r) => r.id.length), 3);
	const lines = rows.map((r) => {
		const energy = r.finalEnergyHartree === null ? "" : `  E = ${r.finalEnergyHartree} Ha`;
		const where = r.runner === "local" ? "local" : `${r.runner}:${r.host ?? r.pool ?? "?"}`;
		// A finished job's detail is its energy, already in its column: said once.
		const detail = r.detail && r.detail !== r.state && `  ${r.detail}` !== energy ? `  ${r.detail}` : "";
		return `${r.id.padEnd(width)}  ${r.state.padEnd(9)}  ${where.padEnd(12)}${energy}${detail}`;
	});
	return `${"job".padEnd(width)}  ${"state".padEnd(9)}  ${"runner".padEnd(12)}\n${lines.join("\n")}\n`;
}

/** `status --all`: the jobs of every project the supervisor knows, by project. */
export function formatStatusEverywhere(rows: (JobStatus & { project: string })[]): string {
	if (rows.length === 0) return "no project has jobs yet\n";
	const projects = [...new Set(rows.map((r) => r.project))];
	return projects
		.map((project) => `${project}\n${formatStatus(rows.filter((r) => r.project === project))}`)
		.join("\n");
}
