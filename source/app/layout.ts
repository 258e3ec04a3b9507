/**
 * How many panes fit the terminal and how they are arranged: 1 to 4 columns, as many rows as
 * keep each pane readable, and pages when the jobs do not all fit. Panes side by side are one
 * column apart (the separator); panes above each other are parted by their title bands.
 */

/** A pane narrower or lower than this stops being readable. */
export const minPaneWidth = 38;
/** Title band, progress line, and at least 4 lines of output. */
export const minPaneHeight = 6;
/** The column between two panes side by side. */
export const separatorWidth = 1;
const maxColumns = 4;
/** Terminal cells are about twice as high as wide; a pane of output reads best wide. */
const preferredAspect = 3;
/** How much further from the preferred aspect (as |log| of the ratio) a grid without an empty
 * cell may be and still be chosen over one with a hole: a factor of about 1.6. */
const holeTolerance = 0.5;

export interface GridLayout {
	columns: number;
	rows: number;
	/** Panes on one page. */
	perPage: number;
	pages: number;
	paneWidths: number[];
	paneHeights: number[];
}

/** Splits `total` cells into `parts` sizes that differ by at most one. */
function split(total: number, parts: number): number[] {
	const base = Math.floor(total / parts);
	const extra = total - base * parts;
	return Array.from({ length: parts }, (_, i) => base + (i < extra ? 1 : 0));
}

export function gridLayout(jobs: number, width: number, height: number): GridLayout {
	const count = Math.max(1, jobs);
	const fitting = Math.floor((width + separatorWidth) / (minPaneWidth + separatorWidth));
	const maxCols = Math.max(1, Math.min(maxColumns, count, fitting));
	const maxRows = Math.max(1, Math.floor(height / minPaneHeight));
	const candidates: { columns: number; rows: number; shown: number; score: number }[] = [];
	for (let columns = 1; columns <= maxCols; columns++) {
		const shown = Math.min(count, columns * maxRows);
		const rows = Math.ceil(shown / columns);
		const aspect = width / columns / (height / rows);
		candidates.push({ columns, rows, shown, score: Math.abs(Math.log(aspect / preferredAspect)) });
	}
	// As many panes as fit, shaped closest to the preferred aspect; but a grid with no empty
	// cell wins over one with a hole (4 jobs as 2+2 rather than 3+1) when it is nearly as good.
	const most = Math.max(...candidates.map((c) => c.shown));
	const byScore = candidates.filter((c) => c.shown === most).sort((a, b) => a.score - b.score);
	const first = byScore[0] as (typeof byScore)[number];
	const full = byScore.find((c) => c.columns * c.rows === c.shown && c.score <= first.score + holeTolerance);
	const best = full ?? first;
	const perPage = best.columns * best.rows;
	return {
		columns: best.columns,
		rows: best.rows,
		perPage,
		pages: Math.ceil(count / perPage),
		paneWidths: split(width - separatorWidth * (best.columns - 1), best.columns),
		paneHeights: split(height, best.rows),
	};
}

/** Rows of output a pane of this height shows (title band and progress line taken). */
export function outputRows(paneHeight: number): number {
	return Math.max(1, paneHeight - 2);
}

/** Where each of `count` panes of a page is, from the grid's top left cell, in reading order. */
export function paneRects(
	layout: GridLayout,
	count: number,
): { x: number; y: number; width: number; height: number }[] {
	const rects: { x: number; y: number; width: number; height: number }[] = [];
	let y = 0;
	for (let r = 0; r < layout.rows && rects.length < count; r++) {
		const height = layout.paneHeights[r] ?? 0;
		let x = 0;
		for (let c = 0; c < layout.columns && rects.length < count; c++) {
			const width = layout.paneWidths[c] ?? 0;
			rects.push({ x, y, width, height });
			x += width + separatorWidth;
		}
		y += height;
	}
	return rects;
}
