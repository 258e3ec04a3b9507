/**
 * The block layout of a CRYSTAL deck (`.d12`), found from its text: where the geometry block,
 * the basis set and the Hamiltonian/SCF block begin and end, and the OPTGEOM block inside the
 * geometry. Pure: takes the text, keeps every line with its own line ending, so an edit can
 * change a few lines and give back all the others byte for byte.
 *
 * CRYSTAL reads a deck as: a title line; the geometry block (geometry keyword, its data, then
 * keywords and sub-blocks such as OPTGEOM ... ENDOPT or FREQCALC ... END) closed by END; the
 * basis set (atoms and shells, closed by `99 0` and END), unless the geometry block ends with
 * BASISSET and a library name instead; then the Hamiltonian/SCF block (with sub-blocks such as
 * DFT ... END) closed by the deck's last END. Every closing word starts with END (END, ENDOPT,
 * ENDGEOM, ENDBS, ENDDFT, ENDSCF, ENDFREQ all occur in real decks).
 */

export interface DeckLine {
	/** The line without its line ending, exactly as written. */
	text: string;
	/** "\n", "\r\n", or "" for a last line without one. */
	eol: string;
	/** First word in upper case ("" for a blank line). */
	word: string;
}

/** Line indices (0-based) of a block: its first line and the line that closes it. */
export interface Span {
	start: number;
	end: number;
}

export interface DeckLayout {
	lines: DeckLine[];
	/** The line ending the deck uses, for lines an edit adds. */
	newline: "\n" | "\r\n";
	/** From the geometry keyword (line 2) to the END (or BASISSET) that closes the block. */
	geometry: Span;
	/** OPTGEOM ... ENDOPT inside the geometry block, if any. */
	optgeom: Span | null;
	/** The basis set: first atom line to its END, or the BASISSET line and its name. */
	basis: Span;
	/** From the line after the basis set to the deck's last END. */
	scf: Span;
	/** Sub-blocks of the SCF block (DFT ... END): their keywords are not SCF keywords. */
	scfSubBlocks: Span[];
}

/** The deck's text does not have the blocks CRYSTAL needs; `line` is 1-based, or null. */
export class DeckLayoutError extends Error {
	constructor(
		message: string,
		readonly line: number | null,
	) {
		super(line === null ? message : `line ${line}: ${message}`);
		this.name = "DeckLayoutError";
	}
}

export const isEndWord = (word: string): boolean => word.startsWith("END");

/** Sub-blocks of the third input block that close with their own END. */
const scfSubBlockOpeners = new Set(["DFT", "DFTD3", "GCP"]);

const basisTerminator = /^\s*99\s+0(\s|$)/;

export function splitLines(text: string): { lines: DeckLine[]; newline: "\n" | "\r\n" } {
	const lines: DeckLine[] = [];
	const pattern = /\r?\n/g;
	let from = 0;
	for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
		lines.push(line(text.slice(from, match.index), match[0]));
		from = match.index + match[0].length;
	}
	if (from < text.length) lines.push(line(text.slice(from), ""));
	const crlf = lines.filter((l) => l.eol === "\r\n").length;
	const lf = lines.filter((l) => l.eol === "\n").length;
	return { lines, newline: crlf > lf ? "\r\n" : "\n" };
}

function line(text: string, eol: string): DeckLine {
	return { text, eol, word: (text.trim().split(/\s+/)[0] ?? "").toUpperCase() };
}

export function joinLines(lines: readonly DeckLine[]): string {
	return lines.map((l) => l.text + l.eol).join("");
}

export function layoutDeck(text: string): DeckLayout {
	const { lines, newline } = splitLines(text);
	if (lines.length < 3 || (lines[1]?.word ?? "") === "")
		throw new DeckLayoutError(
			"a deck starts with a title line and a geometry keyword (CRYSTAL, SLAB, ...)",
			2,
		);
	const words = lines.map((l) => l.word);
	const nine = lines.findIndex((l, i) => i >= 2 && basisTerminator.test(l.text));
	let geometryEnd: number;
	let basis: Span;
	if (nine >= 0) {
		geometryEnd = lastIndex(words, 2, nine, isEndWord);
		if (geometryEnd < 0)
			throw new DeckLayoutError("no END closes the geometry block before the basis set", nine + 1);
		const basisEnd = firstIndex(words, nine + 1, words.length, isEndWord);
		if (basisEnd < 0) throw new DeckLayoutError("no END after the basis set's closing `99 0`", nine + 1);
		basis = { start: geometryEnd + 1, end: basisEnd };
	} else {
		const library = firstIndex(words, 2, words.length, (w) => w === "BASISSET");
		if (library < 0)
			throw new DeckLayoutError("no basis set: neither a `99 0` line closing one nor BASISSET", null);
		geometryEnd = library;
		basis = { start: library, end: library + 1 };
	}
	const { end: scfEnd, subBlocks } = scfBlock(words, basis.end + 1);
	const scf = { start: basis.end + 1, end: scfEnd };
	return {
		lines,
		newline,
		geometry: { start: 1, end: geometryEnd },
		optgeom: optgeomSpan(words, geometryEnd),
		basis,
		scf,
		scfSubBlocks: subBlocks,
	};
}

function optgeomSpan(words: readonly string[], geometryEnd: number): Span | null {
	const start = firstIndex(words, 2, geometryEnd, (w) => w === "OPTGEOM");
	if (start < 0) return null;
	const end = firstIndex(words, start + 1, geometryEnd + 1, isEndWord);
	return end < 0 ? null : { start, end };
}

/** The SCF block ends at its first END outside a sub-block, as CRYSTAL reads it: lines after
 * that END (some run scripts append more) are not part of the deck. */
function scfBlock(words: readonly string[], start: number): { end: number; subBlocks: Span[] } {
	const subBlocks: Span[] = [];
	for (let i = start; i < words.length; i++) {
		const word = words[i] ?? "";
		if (scfSubBlockOpeners.has(word)) {
			const end = firstIndex(words, i + 1, words.length, isEndWord);
			if (end < 0) break;
			subBlocks.push({ start: i, end });
			i = end;
		} else if (isEndWord(word)) return { end: i, subBlocks };
	}
	const open = subBlocks.length > 0 || words.slice(start).some((w) => scfSubBlockOpeners.has(w));
	throw new DeckLayoutError(
		open
			? "the Hamiltonian/SCF block has no END of its own after its last sub-block's END (DFT ... END)"
			: "no END closes the Hamiltonian/SCF block after the basis set",
		start,
	);
}

function firstIndex(
	words: readonly string[],
	from: number,
	to: number,
	test: (w: string) => boolean,
): number {
	for (let i = from; i < to; i++) if (test(words[i] ?? "")) return i;
	return -1;
}

function lastIndex(words: readonly string[], from: number, to: number, test: (w: string) => boolean): number {
	for (let i = to - 1; i >= from; i--) if (test(words[i] ?? "")) return i;
	return -1;
}
