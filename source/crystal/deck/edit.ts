/**
 * Keyword edits of a CRYSTAL deck, each put where CRYSTAL reads it: SCF keywords in the
 * Hamiltonian/SCF block before its END (never inside DFT ... END), optimisation keywords inside
 * OPTGEOM. A keyword already there has its value replaced, never a twin added; every line the
 * edit does not concern comes back byte for byte, with the deck's own line endings.
 */

import { type EditBlock, keywordRules } from "./keywords.js";
import {
	type DeckLayout,
	DeckLayoutError,
	type DeckLine,
	joinLines,
	layoutDeck,
	splitLines,
} from "./layout.js";

export type { EditBlock } from "./keywords.js";

export type DeckEdit =
	/** Writes KEYWORD with these value lines (none for a bare keyword like GUESSP). */
	| { action: "set"; keyword: string; value?: readonly string[]; block?: EditBlock }
	| { action: "remove"; keyword: string; block?: EditBlock };

/** What one edit did to one keyword; null is "absent". */
export interface DeckChange {
	keyword: string;
	block: EditBlock;
	before: string[] | null;
	after: string[] | null;
}

export interface EditedDeck {
	text: string;
	/** Only real changes: setting a keyword to the value it has is no change. */
	changes: DeckChange[];
}

/** Applies the edits in order. Throws DeckLayoutError for a deck whose blocks cannot be found
 * or an edit the deck cannot take (an unknown keyword, RESTART without OPTGEOM). */
export function editDeck(text: string, edits: readonly DeckEdit[]): EditedDeck {
	let current = text;
	const changes: DeckChange[] = [];
	for (const edit of edits) {
		const layout = layoutDeck(current);
		const block = blockOf(edit);
		const keyword = edit.keyword.toUpperCase();
		const lines = layout.lines.slice();
		if (edit.action === "set") {
			const value = (edit.value ?? []).map((v) => v.trim());
			for (const other of keywordRules[keyword]?.replaces ?? []) {
				const removed = removeAll(lines, layout, other, block);
				if (removed) changes.push({ keyword: other, block, before: removed, after: null });
			}
			const change = setOne(lines, layoutDeck(joinLines(lines)), keyword, block, value);
			if (change) changes.push(change);
		} else {
			const removed = removeAll(lines, layout, keyword, block);
			if (removed) changes.push({ keyword, block, before: removed, after: null });
		}
		current = joinLines(lines);
	}
	return { text: current, changes };
}

/** The value lines of KEYWORD in its block (trimmed), [] for a bare keyword, null if absent. */
export function keywordValue(text: string, keyword: string, block?: EditBlock): string[] | null {
	const word = keyword.toUpperCase();
	const where = block ?? ruleOf(word).block;
	const layout = layoutDeck(text);
	const at = occurrences(layout, word, where)[0];
	if (at === undefined) return null;
	return valueAt(layout.lines, at, ruleOf(word).valueLines, blockSpan(layout, where, word).end);
}

/** `FMIXING 30 -> 60`, `FMIXING 30 (default) -> 60`, `GUESSP added`, `LEVSHIFT 5 1 added`,
 * `ANDERSON removed`. */
export function describeChange(change: DeckChange): string {
	const show = (value: string[]) => [change.keyword, ...value].join(" ");
	const where = change.block === "optgeom" ? " in OPTGEOM" : "";
	const implicit = keywordRules[change.keyword]?.defaults?.[change.block];
	if (change.before === null && implicit && change.after)
		return `${change.keyword}${where} ${implicit.join(" ")} (default) -> ${change.after.join(" ")}`;
	if (change.before === null) return `${show(change.after ?? [])} added${where}`;
	if (change.after === null) return `${show(change.before)} removed${where}`;
	return `${change.keyword}${where} ${change.before.join(" ")} -> ${change.after.join(" ")}`;
}

function blockOf(edit: DeckEdit): EditBlock {
	const keyword = edit.keyword.toUpperCase();
	const rule = ruleOf(keyword);
	const block = edit.block ?? rule.block;
	if (!rule.blocks.includes(block))
		throw new DeckLayoutError(`${keyword} is not read in the ${blockName[block]}`, null);
	return block;
}

function ruleOf(keyword: string) {
	const rule = keywordRules[keyword];
	if (!rule) throw new DeckLayoutError(`the deck editor does not know the keyword ${keyword}`, null);
	return rule;
}

const blockName: Record<EditBlock, string> = {
	scf: "Hamiltonian/SCF block",
	optgeom: "OPTGEOM block",
};

function blockSpan(layout: DeckLayout, block: EditBlock, keyword: string) {
	if (block === "scf") return layout.scf;
	if (layout.optgeom === null)
		throw new DeckLayoutError(`${keyword} belongs in an OPTGEOM block, and the deck has none`, null);
	return layout.optgeom;
}

/** Lines of the block (not its closing line) whose first word is KEYWORD, outside sub-blocks. */
function occurrences(layout: DeckLayout, keyword: string, block: EditBlock): number[] {
	const span = blockSpan(layout, block, keyword);
	const first = block === "scf" ? span.start : span.start + 1;
	const found: number[] = [];
	for (let i = first; i < span.end; i++) {
		const inside = layout.scfSubBlocks.find((b) => block === "scf" && i >= b.start && i <= b.end);
		if (inside) {
			i = inside.end;
			continue;
		}
		if (layout.lines[i]?.word === keyword) found.push(i);
	}
	return found;
}

function valueAt(
	lines: readonly DeckLine[],
	at: number,
	count: (next: readonly string[]) => number,
	blockEnd: number,
): string[] {
	const next = lines.slice(at + 1, blockEnd).map((l) => l.text.trim());
	return next.slice(0, Math.min(count(next), next.length));
}

function setOne(
	lines: DeckLine[],
	layout: DeckLayout,
	keyword: string,
	block: EditBlock,
	value: string[],
): DeckChange | null {
	const rule = ruleOf(keyword);
	const span = blockSpan(layout, block, keyword);
	const found = occurrences(layout, keyword, block);
	const expected = rule.valueLines(value);
	if (expected !== value.length)
		throw new DeckLayoutError(
			`${keyword} takes ${expected} value line${expected === 1 ? "" : "s"}, the edit gives ${value.length}`,
			null,
		);
	const at = found[0];
	if (at === undefined) {
		const indent = /^\s*/.exec(lines[span.end]?.text ?? "")?.[0] ?? "";
		const added = [keyword, ...value].map((text) => ({ text: indent + text, eol: layout.newline, word: "" }));
		lines.splice(span.end, 0, ...splitLines(joinLines(added)).lines);
		return { keyword, block, before: null, after: value };
	}
	const before = valueAt(lines, at, rule.valueLines, span.end);
	// Twins further down go first, so that the indices above them stay valid.
	let twins = false;
	for (const twin of found.slice(1).reverse()) {
		lines.splice(twin, 1 + valueAt(lines, twin, rule.valueLines, span.end).length);
		twins = true;
	}
	if (same(before, value) && !twins) return null;
	const old = lines.slice(at + 1, at + 1 + before.length);
	const indent = /^\s*/.exec(old[0]?.text ?? "")?.[0] ?? "";
	const replacement = value.map((text, i) => ({
		text: same([old[i]?.text.trim() ?? ""], [text]) ? (old[i]?.text ?? text) : indent + text,
		eol: old[i]?.eol ?? layout.newline,
		word: "",
	}));
	lines.splice(at + 1, before.length, ...splitLines(joinLines(replacement)).lines);
	return { keyword, block, before, after: value };
}

function removeAll(
	lines: DeckLine[],
	layout: DeckLayout,
	keyword: string,
	block: EditBlock,
): string[] | null {
	if (block === "optgeom" && layout.optgeom === null) return null;
	const rule = ruleOf(keyword);
	const span = blockSpan(layout, block, keyword);
	const found = occurrences(layout, keyword, block);
	if (found.length === 0) return null;
	const first = found[0] as number;
	const before = valueAt(lines, first, rule.valueLines, span.end);
	for (const at of found.slice().reverse())
		lines.splice(at, 1 + valueAt(lines, at, rule.valueLines, span.end).length);
	return before;
}

const normal = (value: string) => value.trim().split(/\s+/).join(" ");
const same = (a: readonly string[], b: readonly string[]) =>
	a.length === b.length && a.every((v, i) => normal(v) === normal(b[i] ?? ""));
