/**
 * Ink's screen composer (ink/build/output.js of Ink 8, MIT), with what it learns kept from one
 * frame to the next. The bundle puts it in the place of Ink's own (scripts/bundle-options.ts);
 * test/app/ink-output.test.ts checks that both compose the same screens.
 *
 * Ink composes every frame anew: it styles every cell of the screen, splits every text into
 * styled characters (ANSI tokenizing, string widths) and turns each row back into a string,
 * whatever changed. For 160x48 that is some 8 MB of short-lived objects and 15-30 ms of CPU,
 * for a frame whose only change is a clock's digit or a pane's new line. Here:
 * - a text's styled characters, widths and clipped slices are remembered across frames (the
 *   texts of the last two frames: bounded, however much output scrolls by);
 * - each row is kept as the writes that fall on it (where, and those remembered characters):
 *   a row written as in the last frame is the last frame's string, its cells not even filled.
 * A frame that changes a few cells then costs about its changed rows.
 *
 * Only the composing is changed: what is written where, clipping, wide characters and the
 * output string are Ink's, line for line.
 */
import {
	type StyledChar,
	styledCharsFromTokens,
	styledCharsToString,
	tokenize,
} from "@alcalzone/ansi-tokenize";
import stringWidth from "string-width";

type Transformer = (line: string, index: number) => string;

interface Clip {
	x1?: number;
	x2?: number;
	y1?: number;
	y2?: number;
}

type Operation =
	| { type: "write"; x: number; y: number; text: string; transformers: Transformer[] }
	| { type: "clip"; clip: Clip }
	| { type: "unclip" };

/** A map of what the last two frames used: an entry used in this frame or the last one stays,
 * older ones go, so the memory follows what is on screen. */
class TwoFrameCache<V> {
	private current = new Map<string, V>();
	private previous = new Map<string, V>();

	get(key: string, make: (key: string) => V): V {
		let value = this.current.get(key);
		if (value !== undefined) return value;
		value = this.previous.get(key);
		if (value === undefined) value = make(key);
		this.current.set(key, value);
		return value;
	}

	/** A frame is done: what it did not use is forgotten at the end of the next one. */
	age(): void {
		this.previous = this.current;
		this.current = new Map();
	}
}

const ignorable = /^\p{Default_Ignorable_Code_Point}+$/u;
const styledChars = new TwoFrameCache<StyledChar[]>();
const widths = new TwoFrameCache<number>();
const widestLines = new TwoFrameCache<number>();
const slices = new TwoFrameCache<string>();
/** Each text split into its rows, each row's styles kept across the newlines. */
const textRows = new TwoFrameCache<string[]>();

// Standalone invisible Unicode characters must not occupy terminal cells.
const charsOf = (line: string): StyledChar[] =>
	styledChars.get(line, (text) =>
		styledCharsFromTokens(tokenize(text)).filter((c) => !ignorable.test(c.value)),
	);
const widthOf = (text: string): number => widths.get(text, stringWidth);
const widestLineOf = (text: string): number =>
	widestLines.get(text, (block) => {
		let width = 0;
		for (const line of block.split("\n")) width = Math.max(width, widthOf(line));
		return width;
	});
const rowsOf = (text: string): string[] =>
	textRows.get(text, (block) => {
		// Preserve styles across explicit newlines before clipping individual rows.
		const lines: StyledChar[][] = [[]];
		for (const character of charsOf(block)) {
			if (character.value === "\n") lines.push([]);
			else lines.at(-1)?.push(character);
		}
		return lines.map((line) => styledCharsToString(line));
	});

/** The one blank cell every row starts with (cells are never changed in place). */
const blank: StyledChar = { type: "char", value: " ", fullWidth: false, styles: [] };

// Replaces a partially visible wide character with a space that keeps its styles.
const blankCell = (cell: StyledChar): StyledChar => ({ ...cell, value: " ", fullWidth: false });

/** What one write puts on a row: its styled characters from column `x` on. */
interface Span {
	x: number;
	chars: StyledChar[];
}

/** The rows of the last frame, by position: the same writes make the same string. */
let lastRows: { width: number; spans: Span[]; text: string }[] = [];

function rowText(y: number, width: number, spans: Span[]): string {
	const last = lastRows[y];
	if (last && last.width === width && last.spans.length === spans.length) {
		let same = true;
		for (let i = 0; same && i < spans.length; i++) {
			const a = last.spans[i] as Span;
			const b = spans[i] as Span;
			same = a.x === b.x && a.chars === b.chars;
		}
		if (same) return last.text;
	}
	const cells: (StyledChar | undefined)[] = new Array<StyledChar>(width).fill(blank);
	for (const span of spans) place(cells, span);
	// See https://github.com/vadimdemedes/ink/pull/564#issuecomment-1637022742
	const present = cells.filter((item) => item !== undefined) as StyledChar[];
	return styledCharsToString(present).trimEnd();
}

/** Puts a write's characters on a row of cells, as Ink does. */
function place(currentLine: (StyledChar | undefined)[], { x, chars }: Span): void {
	let offsetX = x;
	// A wide character (e.g. CJK) fills two cells: the character, then a placeholder whose value
	// is ''. A write that lands in the middle of one blanks its leading half, keeping its styles.
	if (
		currentLine[offsetX]?.value === "" &&
		offsetX > 0 &&
		widthOf(currentLine[offsetX - 1]?.value ?? "") > 1
	) {
		currentLine[offsetX - 1] = blankCell(currentLine[offsetX - 1] as StyledChar);
	}
	for (const character of chars) {
		currentLine[offsetX] = character;
		// Determine the printed width with string-width, as measuring does (one column below
		// U+0300, where combining marks begin: no need to ask).
		const value = character.value;
		const characterWidth =
			value.length === 1 && value.charCodeAt(0) < 0x300 ? 1 : Math.max(1, widthOf(value));
		// A wide character clears the cells it covers after its own.
		if (characterWidth > 1) {
			for (let offset = 1; offset < characterWidth; offset++) {
				currentLine[offsetX + offset] = {
					type: "char",
					// Keep visible cells when the leading cell is outside the output.
					value: offsetX < 0 ? " " : "",
					fullWidth: false,
					styles: character.styles,
				};
			}
		}
		offsetX += characterWidth;
	}
	if (currentLine[offsetX]?.value === "")
		currentLine[offsetX] = blankCell(currentLine[offsetX] as StyledChar);
}

// An undefined bound means "unbounded on this edge", so intersecting keeps whichever bound is
// defined and takes the tighter one when both are.
const intersectBound = (
	a: number | undefined,
	b: number | undefined,
	tighter: (a: number, b: number) => number,
): number | undefined => {
	if (a === undefined) return b;
	return b === undefined ? a : tighter(a, b);
};
// Bounds are half-open: `x2`/`y2` are exclusive, so an axis is empty as soon as its lower bound
// reaches its upper one.
const isClipEmpty = (clip: Clip): boolean =>
	(clip.x1 !== undefined && clip.x2 !== undefined && clip.x1 >= clip.x2) ||
	(clip.y1 !== undefined && clip.y2 !== undefined && clip.y1 >= clip.y2);
const intersectClips = (outer: Clip | undefined, inner: Clip): Clip => {
	if (!outer) return inner;
	return {
		x1: intersectBound(outer.x1, inner.x1, Math.max),
		x2: intersectBound(outer.x2, inner.x2, Math.min),
		y1: intersectBound(outer.y1, inner.y1, Math.max),
		y2: intersectBound(outer.y2, inner.y2, Math.min),
	};
};

// Clipping works in terminal columns. A wide character (e.g. CJK) occupies two cells, so when a
// clip edge falls between its halves, the character is replaced by a space that keeps its
// styles, otherwise its background disappears and the rest of the line shifts by a column.
function sliceLineToColumns(line: string, from: number, to: number): string {
	if (from >= to) return "";
	return slices.get(`${from}:${to}:${line}`, () => {
		const result: StyledChar[] = [];
		let column = 0;
		for (const character of charsOf(line)) {
			const width = widthOf(character.value);
			const start = column;
			column += width;
			if (column <= from) continue;
			if (start >= to) break;
			// Only part of this wide character is visible: keep the cell count and styles, drop the glyph.
			if (width > 1 && (start < from || column > to)) result.push(blankCell(character));
			else result.push(character);
		}
		return styledCharsToString(result);
	});
}

export default class Output {
	readonly width: number;
	readonly height: number;
	private readonly operations: Operation[] = [];

	constructor(options: { width: number; height: number }) {
		this.width = options.width;
		this.height = options.height;
	}

	write(x: number, y: number, text: string, options: { transformers: Transformer[] }): void {
		if (text === "") return;
		this.operations.push({ type: "write", x, y, text, transformers: options.transformers });
	}

	clip(clip: Clip): void {
		this.operations.push({ type: "clip", clip });
	}

	unclip(): void {
		this.operations.push({ type: "unclip" });
	}

	get(): { output: string; height: number } {
		// Every row exists, so that margin or padding at the bottom is kept.
		const output: Span[][] = [];
		for (let y = 0; y < this.height; y++) output.push([]);
		const clips: Clip[] = [];
		for (const operation of this.operations) {
			// Nested clips intersect: an inner overflow="hidden" box cannot let content escape the outer one.
			if (operation.type === "clip") clips.push(intersectClips(clips.at(-1), operation.clip));
			else if (operation.type === "unclip") clips.pop();
			else applyWrite(output, operation, clips.at(-1));
		}
		const rows = output.map((spans, y) => ({
			width: this.width,
			spans,
			text: rowText(y, this.width, spans),
		}));
		lastRows = rows;
		for (const cache of [styledChars, widths, widestLines, slices, textRows]) cache.age();
		return { output: rows.map((row) => row.text).join("\n"), height: output.length };
	}
}

function applyWrite(
	output: Span[][],
	operation: Extract<Operation, { type: "write" }>,
	clip: Clip | undefined,
): void {
	const { text, transformers } = operation;
	let { x, y } = operation;
	let lines = rowsOf(text);
	if (clip) {
		// Two nested clips can intersect to nothing: nothing is visible.
		if (isClipEmpty(clip)) return;
		const clipsX = typeof clip.x1 === "number" && typeof clip.x2 === "number";
		const clipsY = typeof clip.y1 === "number" && typeof clip.y2 === "number";
		// Text entirely outside the clipping area is skipped.
		if (clipsX) {
			const width = widestLineOf(text);
			if (x + width < (clip.x1 as number) || x > (clip.x2 as number)) return;
		}
		if (clipsY && (y + lines.length < (clip.y1 as number) || y > (clip.y2 as number))) return;
		if (clipsX) {
			const x1 = clip.x1 as number;
			const x2 = clip.x2 as number;
			lines = lines.map((line) => {
				const from = x < x1 ? x1 - x : 0;
				const width = widthOf(line);
				const to = x + width > x2 ? x2 - x : width;
				return sliceLineToColumns(line, from, to);
			});
			if (x < x1) x = x1;
		}
		if (clipsY) {
			const y1 = clip.y1 as number;
			const y2 = clip.y2 as number;
			const from = y < y1 ? y1 - y : 0;
			const height = lines.length;
			const to = y + height > y2 ? y2 - y : height;
			lines = lines.slice(from, to);
			if (y < y1) y = y1;
		}
	}
	for (let index = 0; index < lines.length; index++) {
		const currentLine = output[y + index];
		// Lines above or below the output area have no row.
		if (!currentLine) continue;
		let line = lines[index] as string;
		for (const transformer of transformers) line = transformer(line, index + y - operation.y);
		const characters = charsOf(line);
		// Nothing to write (e.g. the line was clipped away).
		if (characters.length === 0) continue;
		currentLine.push({ x, chars: characters });
	}
}
