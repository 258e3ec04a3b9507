/**
 * A line chart as text lines: asciichart draws the curve and the y axis with its labels; the x
 * axis (a baseline with ticks and their labels) is added here, since asciichart has none. One
 * column per point at most; a short series is stretched, a long one sampled.
 * Plain characters only, so it reads the same with NO_COLOR.
 */
import { plot } from "asciichart";

export interface LineChartOptions {
	/** Columns for the whole chart, labels included. */
	width: number;
	/** Rows of the plotting area (the axis adds two). */
	height: number;
	/** Label of the y value at a row. */
	formatY: (value: number) => string;
	/** The x value (e.g. cycle number) of point `index` of the original series. */
	xOf: (index: number) => number;
	/** A horizontal reference drawn across the chart (e.g. a convergence threshold). */
	reference?: number;
}

/** Most columns a point is stretched to: a short SCF still reads as a line, not a dot row. */
const maxColumnsPerPoint = 6;
/** Fewest columns between two x ticks, so that their labels never touch. */
const minTickSpacing = 7;

/**
 * Fractional point positions of the columns: a long series is sampled, a short one stretched
 * (values in between interpolated), always from the first point to the last.
 */
export function columnPositions(length: number, columns: number): number[] {
	if (length < 2) return [0];
	const count = Math.max(2, Math.min(columns, (length - 1) * maxColumnsPerPoint + 1));
	return Array.from({ length: count }, (_, column) => (column * (length - 1)) / (count - 1));
}

function valueAt(values: readonly number[], position: number): number {
	const low = Math.floor(position);
	const high = Math.min(values.length - 1, low + 1);
	const a = values[low] ?? Number.NaN;
	const b = values[high] ?? Number.NaN;
	return a + (b - a) * (position - low);
}

export function lineChart(values: readonly number[], options: LineChartOptions): string[] {
	const finite = values.map((value) => (Number.isFinite(value) ? value : Number.NaN));
	const drawn = finite.filter((value) => !Number.isNaN(value));
	if (drawn.length < 2) return [];
	const low = Math.min(...drawn, options.reference ?? Number.POSITIVE_INFINITY);
	const high = Math.max(...drawn, options.reference ?? Number.NEGATIVE_INFINITY);
	const labelWidth = Math.max(options.formatY(low).length, options.formatY(high).length);
	const positions = columnPositions(finite.length, Math.max(2, options.width - labelWidth - 3));
	const shown = positions.map((position) => valueAt(finite, position));
	// The reference first, so that the curve is drawn over it where they cross.
	const series =
		options.reference === undefined ? [shown] : [shown.map(() => options.reference as number), shown];
	const text = plot(series, {
		height: Math.max(2, options.height - 1),
		min: low,
		max: high === low ? low + 1 : high,
		format: (value) => options.formatY(value).padStart(labelWidth),
	});
	const rows = text.split("\n");
	const axisColumn = Math.max(0, (rows[0] ?? "").search(/[┤┼]/));
	return [...rows, ...xAxis(positions, axisColumn, options.xOf)];
}

/** `└──┬────┬──` and the labels under the ticks, at whole points a round number apart. */
function xAxis(positions: number[], axisColumn: number, xOf: (index: number) => number): string[] {
	const count = positions.length;
	const last = positions.at(-1) ?? 0;
	const columnsPerPoint = last === 0 ? count : (count - 1) / last;
	const step =
		[1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000].find(
			(candidate) => candidate * columnsPerPoint >= minTickSpacing,
		) ?? 10000;
	const baseline = [..." ".repeat(axisColumn), "└", ..."─".repeat(count)];
	const labels = [..." ".repeat(axisColumn + 1 + count + 8)];
	let free = 0;
	// The first point, then every point whose x is a multiple of the step (cycle 1, 5, 10, ...).
	for (let point = 0; point <= last; point++) {
		const x = xOf(point);
		if (point > 0 && x % step !== 0) continue;
		const column = Math.round(point * columnsPerPoint);
		const at = axisColumn + 1 + column;
		const label = String(x);
		if (at < free || column >= count) continue;
		baseline[at] = "┬";
		for (const [offset, character] of [...label].entries()) labels[at + offset] = character;
		free = at + label.length + 1;
	}
	return [baseline.join(""), labels.join("").trimEnd()];
}
