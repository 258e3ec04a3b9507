/**
 * What a pane shows, row by row, as styled strings of exactly the pane's width: its title band
 * (name, where it runs, state, elapsed time), the parser's progress line, and its rows of output
 * (search matches in reverse video, the paused notice at the bottom). Ink draws these rows
 * (components/Pane.tsx) and the painter writes the same rows straight onto the terminal when
 * only output and the clock changed (pane-painter.ts): one description, so both draw the same.
 */
import { displayLine, formatDelta, formatElapsed, formatEnergy, sparkline } from "./format.js";
import { outputRows } from "./layout.js";
import type { JobView } from "./store.js";
import { type Run, type Style, styledRow } from "./styled-row.js";
import { spinnerFrames, stateMarks, type Theme } from "./theme.js";
import type { Scroll } from "./ui-state.js";

export interface PaneProps {
	job: JobView;
	width: number;
	height: number;
	focused: boolean;
	/** The title band's elapsed time (see elapsedText). */
	elapsed: string;
	/** The visible rows of output, oldest first, and the line number of the first one. */
	rows: readonly string[];
	firstRow: number;
	/** Lines below the view (0 when following), and how many of them arrived since the pause. */
	below: number;
	arrived: number;
	following: boolean;
	query: string;
	match: number | null;
	/** Shown in place of the output while older lines are read from disk. */
	loading?: boolean;
}

/** The title band's elapsed time at `now`: the run's, or its whole length once it ended. */
export function elapsedText(job: JobView, now: number): string {
	return job.startedAt === null ? "" : ` ${formatElapsed(job.startedAt, job.endedAt ?? now)}`;
}

/** A running job's mark turns when its output grows: it says the job is printing. */
export function stateMark(job: JobView): string {
	if (job.state === "running" || job.state === "starting" || job.state === "stopping") {
		return spinnerFrames[job.beat % spinnerFrames.length] as string;
	}
	return stateMarks[job.state];
}

/** A pane of the grid at `now`, reading the rows it shows from the job's ring. */
export function gridPaneProps(
	job: JobView,
	scroll: Scroll,
	place: { width: number; height: number; focused: boolean; query: string; match: number | null },
	now: number,
): PaneProps {
	const start = Math.max(job.lines.first, scroll.bottom - outputRows(place.height));
	return {
		job,
		width: place.width,
		height: place.height,
		focused: place.focused,
		elapsed: elapsedText(job, now),
		rows: job.lines.slice(start, scroll.bottom),
		firstRow: start,
		below: job.total - scroll.bottom,
		arrived: job.total - scroll.since,
		following: scroll.follow,
		query: place.focused ? place.query : "",
		match: place.focused ? place.match : null,
	};
}

/** The band's runs after its state mark, and the styles of the mark and of the whole band. */
export function titleRuns(
	job: JobView,
	width: number,
	focused: boolean,
	elapsed: string,
	theme: Theme,
): { mark: Style; band: Style; rest: Run[] } {
	const band = theme.band(focused);
	const base: Style = { color: band.color, backgroundColor: band.backgroundColor, inverse: band.inverse };
	// A pool's job: the pool while it waits for a member, then the member it went to.
	const where = job.host
		? `${job.runner}@${job.host}${job.pool ? ` (pool ${job.pool})` : ""}`
		: job.pool
			? `pool ${job.pool}`
			: job.runner;
	const state = job.detail && job.detail !== job.state ? `${job.state}: ${job.detail}` : job.state;
	const unseen = job.unseen ? " ◆new" : "";
	const fixed = ` ${stateMark(job)} ${job.name} ${where} ${elapsed}${unseen}  `;
	const room = Math.max(0, width - fixed.length);
	const stateText = state.length > room ? `${state.slice(0, Math.max(0, room - 1))}…` : state;
	// On the focused band (a light colour) the text keeps the band's own dark colour.
	const stateColor = focused || job.state === "idle" ? band.color : theme.stateColor(job.state);
	const mark: Style = { ...base, color: stateColor };
	const rest: Run[] = [
		{ text: " ", style: mark },
		{ text: job.name, style: { ...base, bold: true } },
		{ text: ` ${where} `, style: base },
		{ text: stateText, style: mark },
		{ text: elapsed, style: base },
	];
	if (unseen)
		rest.push({
			text: unseen,
			style: { ...base, color: focused ? band.color : theme.color("yellowBright"), bold: true },
		});
	return { mark, band: base, rest };
}

/** The pane's title band: the state mark, then titleRuns, across the pane's width. */
export function titleRow(
	job: JobView,
	width: number,
	focused: boolean,
	elapsed: string,
	theme: Theme,
): string {
	const { mark, band, rest } = titleRuns(job, width, focused, elapsed, theme);
	return styledRow([{ text: ` ${stateMark(job)}`, style: mark }, ...rest], width, band);
}

/** The parser's live view of the run, or its outcome once it ended. */
export function progressText(job: JobView, width: number): { text: string; spark: string } {
	const p = job.progress;
	const r = job.result;
	if (r && !["queued", "starting", "running", "stopping"].includes(job.state)) {
		const parts = [
			r.crystal.calcType === "properties"
				? "properties: Enter shows the bands and DOS"
				: r.finalEnergyHartree === null
					? "no final energy"
					: `E ${formatEnergy(r.finalEnergyHartree)}`,
		];
		if (r.scfConverged !== null) {
			const cycles = r.crystal.scfCycles === null ? "" : ` in ${r.crystal.scfCycles} cycles`;
			parts.push(r.scfConverged ? `SCF converged${cycles}` : "SCF NOT converged");
		}
		if (r.optConverged !== null) parts.push(r.optConverged ? "opt converged" : "opt NOT converged");
		if (r.errors[0]) parts.push(r.errors[0]);
		return { text: parts.join(" · "), spark: "" };
	}
	if (!p) return { text: job.state === "idle" ? "not run yet (s starts it)" : "", spark: "" };
	const parts: string[] = [p.phase];
	if (p.optPoint !== null) parts.push(`opt ${p.optPoint}`);
	if (p.scfCycle !== null) parts.push(`cyc ${p.scfCycle}`);
	if (p.energyHartree !== null) parts.push(`E ${formatEnergy(p.energyHartree)}`);
	if (p.deltaEHartree !== null) parts.push(`ΔE ${formatDelta(p.deltaEHartree)}`);
	const text = parts.join(" ");
	const room = width - text.length - 1;
	return { text, spark: room >= 4 ? sparkline(p.deltaEHistory, Math.min(24, room)) : "" };
}

/** Under the band: the progress, one column in (under the state mark), and the SCF trend. */
function progressRow(job: JobView, width: number, theme: Theme): string {
	const { text, spark } = progressText(job, width - 1);
	const trend = job.progress?.trend;
	const warn = Boolean(trend && trend.kind !== "converging");
	const runs: Run[] = [{ text: ` ${text}`, style: {} }];
	if (spark) runs.push({ text: ` ${spark}`, style: { color: theme.color(warn ? "yellow" : "gray") } });
	return styledRow(runs, width);
}

/** Occurrences of the query, found as `matcher` finds them (smartcase). */
function matchRuns(text: string, query: string, current: boolean): Run[] {
	const plain: Style = { bold: current };
	const hit: Style = { inverse: true, underline: current, bold: current };
	const exact = query !== query.toLowerCase();
	const haystack = exact ? text : text.toLowerCase();
	const out: Run[] = [];
	let at = 0;
	for (;;) {
		const found = haystack.indexOf(query, at);
		if (found < 0) break;
		if (found > at) out.push({ text: text.slice(at, found), style: plain });
		out.push({ text: text.slice(found, found + query.length), style: hit });
		at = found + query.length;
	}
	if (at < text.length) out.push({ text: text.slice(at), style: plain });
	return out;
}

/** One row of output, with the search's matches in reverse video (the current one underlined). */
function outputRow(line: string, width: number, query: string, current: boolean): string {
	const text = displayLine(line, width);
	if (query === "" || !text) return styledRow([{ text, style: {} }], width);
	return styledRow(matchRuns(text, query, current), width);
}

/**
 * Every row of the pane, top to bottom: exactly `height` rows (the band, the progress line and
 * the output rows), each exactly `width` cells.
 */
export function paneRows(props: PaneProps, theme: Theme): string[] {
	const { job, width, height, rows, firstRow, query, match } = props;
	const count = outputRows(height);
	const paused = !props.following;
	// The rows end at the bottom of the view; when paused the last row carries the notice.
	const room = paused ? count - 1 : count;
	const shown = room > 0 ? rows.slice(-room) : [];
	const first = firstRow + rows.length - shown.length;
	const out = [titleRow(job, width, props.focused, props.elapsed, theme), progressRow(job, width, theme)];
	if (props.loading) {
		out.push(styledRow([{ text: "reading the log…", style: { dimColor: true } }], width));
	} else {
		for (let i = 0; i < shown.length; i++)
			out.push(outputRow(shown[i] as string, width, query, match === first + i));
	}
	const blank = " ".repeat(width);
	while (out.length < (paused ? 1 + count : 2 + count)) out.push(blank);
	if (paused)
		out.push(
			styledRow(
				[
					{
						text: ` paused · ${props.below} lines below, ${props.arrived} new · G follows `,
						style: { inverse: true },
					},
				],
				width,
			),
		);
	return out.slice(0, height);
}
