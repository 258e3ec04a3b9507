/**
 * The cockpit's top row as one string of the terminal's width: the project folder, how many
 * jobs are in each state, and the page. Ink draws it (components/Header.tsx), and the painter
 * writes it when a job's state changed and nothing else did (pane-painter.ts).
 */
import type { JobView, ViewState } from "./store.js";
import { type Run, styledRow } from "./styled-row.js";
import type { Theme } from "./theme.js";

const order: ViewState[] = [
	"running",
	"starting",
	"stopping",
	"queued",
	"failed",
	"lost",
	"cancelled",
	"finished",
	"idle",
];

export interface HeaderPlace {
	projectDir: string;
	page: number;
	pages: number;
	width: number;
}

export function headerRow(place: HeaderPlace, jobs: readonly JobView[], theme: Theme): string {
	const { projectDir, page, pages, width } = place;
	const counts = new Map<ViewState, number>();
	for (const job of jobs) counts.set(job.state, (counts.get(job.state) ?? 0) + 1);
	const states = order.filter((s) => counts.get(s));
	const pageText = pages > 1 ? `  page ${page + 1}/${pages}` : "";
	const summary = states.map((s) => `${counts.get(s)} ${s}`).join("  ");
	const room = Math.max(0, width - summary.length - pageText.length - 16);
	const dir = projectDir.length > room ? `…${projectDir.slice(-(room - 1))}` : projectDir;
	const runs: Run[] = [
		{ text: "crystal-tui", style: { bold: true } },
		{ text: ` ${room > 1 ? dir : ""} `, style: { dimColor: true } },
		...states.map((s) => ({ text: ` ${counts.get(s)} ${s}`, style: { color: theme.stateColor(s) } })),
		{ text: pageText, style: {} },
	];
	return styledRow(runs, width);
}
