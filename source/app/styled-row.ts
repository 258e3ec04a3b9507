/**
 * A row of the screen as one string: styled runs of text (with chalk, as Ink's own <Text> styles
 * them, so colours follow the same terminal detection and NO_COLOR), cut to a number of cells
 * as Ink's `wrap="truncate"` cuts them (an ellipsis in the last cell), and padded to exactly
 * that width. A row that always fills its width can be written over the previous one straight
 * onto the terminal (pane-painter.ts) as well as handed to Ink.
 */
import chalk from "chalk";
import stringWidth from "string-width";

export interface Style {
	color?: string | undefined;
	backgroundColor?: string | undefined;
	bold?: boolean;
	dimColor?: boolean;
	inverse?: boolean | undefined;
	underline?: boolean;
}

export interface Run {
	text: string;
	style: Style;
}

type Paint = (text: string) => string;
const named = chalk as unknown as Record<string, Paint | undefined>;

/** Ink's colour names (chalk's): "cyan", "whiteBright", "gray", … */
function colour(name: string | undefined, background: boolean): Paint | undefined {
	if (!name) return undefined;
	return named[background ? `bg${name[0]?.toUpperCase()}${name.slice(1)}` : name];
}

export function styled(text: string, style: Style): string {
	if (text === "") return "";
	let out = text;
	// In the order Ink's Text applies them.
	if (style.dimColor) out = chalk.dim(out);
	out = colour(style.color, false)?.(out) ?? out;
	out = colour(style.backgroundColor, true)?.(out) ?? out;
	if (style.bold) out = chalk.bold(out);
	if (style.underline) out = chalk.underline(out);
	if (style.inverse) out = chalk.inverse(out);
	return out;
}

/** Printable ASCII and the cockpit's own marks, each one cell wide (string-width says so too,
 * with its default of narrow East Asian ambiguous characters): braille spinner frames, state
 * marks, sparkline bars, Δ, · and …. A band or a progress line carries these on every row, and
 * string-width's general path (graphemes, emoji tests) costs far more than the row. */
const narrowText = /^[\x20-\x7e·Δ…◆○●◌◍✓✗⊘▁▂▃▄▅▆▇█\u2800-\u28ff]*$/;

/** Terminal cells `text` takes: one per character for the common cases. */
export function cells(text: string): number {
	return narrowText.test(text) ? text.length : stringWidth(text);
}

const segmenter = new Intl.Segmenter(undefined, { granularity: "grapheme" });

/** The longest start of `text` that fits in `width` cells. */
function cut(text: string, width: number): string {
	if (narrowText.test(text)) return text.slice(0, Math.max(0, width));
	let out = "";
	let used = 0;
	for (const { segment } of segmenter.segment(text)) {
		const w = stringWidth(segment);
		if (used + w > width) break;
		out += segment;
		used += w;
	}
	return out;
}

/**
 * The runs as one row of exactly `width` cells: cut with an ellipsis when they are longer,
 * padded with spaces in the `fill` style (a band's background) when shorter.
 */
export function styledRow(runs: readonly Run[], width: number, fill: Style = {}): string {
	let total = 0;
	for (const run of runs) total += cells(run.text);
	let out = "";
	let used = 0;
	if (total <= width) {
		for (const run of runs) out += styled(run.text, run.style);
		used = total;
	} else {
		// Room for the ellipsis, in the style of the run it cuts.
		const room = width - 1;
		for (const run of runs) {
			const w = cells(run.text);
			if (used + w <= room) {
				out += styled(run.text, run.style);
				used += w;
				continue;
			}
			const part = cut(run.text, room - used);
			used += cells(part);
			if (width >= 1) {
				out += styled(`${part}…`, run.style);
				used += 1;
			}
			break;
		}
	}
	if (used < width) out += styled(" ".repeat(width - used), fill);
	return out;
}
