/**
 * The deck editor on real decks: every deck in fixtures/ and the decks echoed at the top of the
 * real CRYSTAL outputs of ../shared/crystal-corpus (read there by path, never copied). Each edit
 * lands in the block CRYSTAL reads it in, replaces a value instead of adding a twin, and leaves
 * every other line byte for byte.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { describeChange, editDeck, keywordValue } from "../../source/crystal/deck/edit.js";
import { DeckLayoutError, layoutDeck } from "../../source/crystal/deck/layout.js";
import { readDeck } from "../../source/crystal/deck/read.js";
import { corpusAvailable, corpusDirectory, corpusSkipMessage } from "./corpus.js";

const root = join(import.meta.dirname, "..", "..");
const corpus = join(corpusDirectory, "outputs");
/** A test that reads decks from the corpus: skipped, with the reason, where it is missing. */
const corpusTest = (name: string, body: () => void) =>
	corpusAvailable ? test(name, body) : test(name, { skip: corpusSkipMessage }, body);

function fixtureDecks(dir = join(root, "fixtures")): { name: string; text: string }[] {
	return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
		const path = join(dir, entry.name);
		if (entry.isDirectory()) return fixtureDecks(path);
		return entry.name.endsWith(".d12")
			? [{ name: path.slice(root.length + 1), text: readFileSync(path, "utf8") }]
			: [];
	});
}

/** The deck a run script echoed before CRYSTAL's banner, as the corpus outputs show it. */
function echoedDeck(file: string): string {
	const lines = readFileSync(join(corpus, file), "utf8").split("\n");
	const script = lines.findIndex((l) => l.startsWith("  Input script   :"));
	const saved = lines.findIndex((l) => l.startsWith("external geometry input saved in"));
	const from = script >= 0 ? script + 1 : saved + 1;
	assert.ok(from > 0, `${file} echoes its deck`);
	const deck: string[] = [];
	for (const line of lines.slice(from)) {
		if (line.startsWith("-----") || (script < 0 && line.trim() === "")) break;
		deck.push(line);
	}
	return `${deck.join("\n")}\n`;
}

const echoed = [
	"a17_nio_sto3g_afm_opt__main.out",
	"a17_nio_sto3g_afm_scf__main.out",
	"cpt_propinp_diamondcrys.out",
	"cpt_spec_dryIceS-1IR.out",
	"cpt_phono_Gstrain1Band.out",
];

const allDecks = () => [
	...fixtureDecks(),
	...(corpusAvailable ? echoed.map((name) => ({ name, text: echoedDeck(name) })) : []),
];

/** The lines of `after` that are not in `before`, and the other way round (as multisets). */
function lineDiff(before: string, after: string): { added: string[]; removed: string[] } {
	const count = (text: string) => {
		const map = new Map<string, number>();
		for (const l of text.split("\n")) map.set(l, (map.get(l) ?? 0) + 1);
		return map;
	};
	const a = count(before);
	const b = count(after);
	const only = (x: Map<string, number>, y: Map<string, number>) =>
		[...x].flatMap(([l, n]) => Array<string>(Math.max(0, n - (y.get(l) ?? 0))).fill(l));
	return { added: only(b, a), removed: only(a, b) };
}

describe("the blocks of a deck", () => {
	test("every fixture deck and every echoed corpus deck has its geometry, basis set and SCF block found", () => {
		const decks = allDecks();
		assert.ok(decks.length >= (corpusAvailable ? 9 : 4), decks.map((d) => d.name).join(", "));
		for (const { name, text } of decks) {
			const layout = layoutDeck(text);
			const word = (i: number) => layout.lines[i]?.word ?? "";
			assert.ok(word(layout.geometry.end).startsWith("END"), `${name}: geometry closes with END`);
			assert.match(layout.lines[layout.basis.end - 1]?.text ?? "", /^\s*99\s+0/, `${name}: basis ends 99 0`);
			assert.ok(word(layout.scf.end).startsWith("END"), `${name}: SCF block closes with END`);
			assert.ok(layout.scf.start === layout.basis.end + 1, name);
		}
	});

	test("the OPTGEOM block is found inside the geometry block, and only in decks that have one", () => {
		for (const { name, text } of allDecks()) {
			const layout = layoutDeck(text);
			assert.equal(layout.optgeom !== null, readDeck(text).kind === "optgeom", name);
			if (layout.optgeom) assert.ok(layout.optgeom.end < layout.geometry.end, name);
		}
	});

	test("a deck that is not a CRYSTAL deck, or misses an END, is refused with the line", () => {
		const mgo = readFileSync(join(root, "fixtures", "demo", "mgo.d12"), "utf8");
		const noScfEnd = mgo.replace(/PPAN\nEND\n$/, "PPAN\n");
		assert.throws(
			() => layoutDeck(noScfEnd),
			(e: Error) => e instanceof DeckLayoutError && /DFT \.\.\. END/.test(e.message),
		);
		const noDftEnd = mgo.replace("XLGRID\nEND\n", "XLGRID\n").replace(/PPAN\nEND\n$/, "PPAN\n");
		assert.throws(() => layoutDeck(noDftEnd), DeckLayoutError);
		const properties = "NEWK\n12 12\n1 0\nDOSS\n2 60 6 16 1 14 0\nEND\n";
		assert.throws(() => layoutDeck(properties), /no basis set/);
		const noGeometryEnd = "title\nCRYSTAL\n0 0 0\n225\n4.2\n1\n12 0 0 0\n12 1\n1 0 3 2. 0.\n99 0\nEND\nEND\n";
		assert.throws(() => layoutDeck(noGeometryEnd), /line 10: no END closes the geometry block/);
	});
});

describe("editing a keyword", () => {
	test("an SCF keyword goes before the SCF block's END, after any DFT ... END, in every deck", () => {
		for (const { name, text } of allDecks()) {
			const { text: edited, changes } = editDeck(text, [
				{ action: "set", keyword: "LEVSHIFT", value: ["5 1"] },
			]);
			assert.equal(changes.length, 1, name);
			const layout = layoutDeck(edited);
			const at = layout.lines.findIndex((l, i) => i > layout.basis.end && l.word === "LEVSHIFT");
			assert.ok(at > layout.basis.end && at < layout.scf.end, `${name}: inside the SCF block`);
			assert.ok(
				layout.scfSubBlocks.every((b) => at > b.end || at < b.start),
				`${name}: outside DFT`,
			);
			assert.equal(layout.lines[at + 1]?.text, "5 1", name);
			assert.deepEqual(lineDiff(text, edited), { added: ["LEVSHIFT", "5 1"], removed: [] }, name);
			assert.deepEqual(keywordValue(edited, "LEVSHIFT"), ["5 1"], name);
		}
	});

	test("a keyword already there has its value replaced, and nothing else changes", () => {
		const al = readFileSync(join(root, "fixtures", "demo", "al-unconverged.d12"), "utf8");
		const { text, changes } = editDeck(al, [{ action: "set", keyword: "FMIXING", value: ["60"] }]);
		assert.equal(text, al.replace("FMIXING\n30\n", "FMIXING\n60\n"));
		assert.equal(changes.map(describeChange).join(), "FMIXING 30 -> 60");
		const again = editDeck(text, [{ action: "set", keyword: "FMIXING", value: ["60"] }]);
		assert.equal(again.text, text, "setting the same value is no change");
		assert.deepEqual(again.changes, []);
	});

	test("a keyword CRYSTAL has a default for is described from that default", () => {
		const mgo = readFileSync(join(root, "fixtures", "demo", "mgo.d12"), "utf8");
		const { changes } = editDeck(mgo, [
			{ action: "set", keyword: "FMIXING", value: ["60"] },
			{ action: "set", keyword: "SMEAR", value: ["0.005"] },
		]);
		assert.deepEqual(changes.map(describeChange), ["FMIXING 30 (default) -> 60", "SMEAR 0.005 added"]);
	});

	test("MAXCYCLE of the SCF and MAXCYCLE of OPTGEOM are told apart", () => {
		const quartz = readFileSync(join(root, "fixtures", "demo", "quartz-opt.d12"), "utf8");
		const scf = editDeck(quartz, [{ action: "set", keyword: "MAXCYCLE", value: ["200"] }]).text;
		assert.deepEqual(keywordValue(scf, "MAXCYCLE"), ["200"]);
		assert.deepEqual(keywordValue(scf, "MAXCYCLE", "optgeom"), ["100"]);
		assert.match(scf, /FULLOPTG\nMAXCYCLE\n100\nENDOPT/);
		const opt = editDeck(quartz, [{ action: "set", keyword: "MAXCYCLE", value: ["300"], block: "optgeom" }]);
		assert.match(opt.text, /FULLOPTG\nMAXCYCLE\n300\nENDOPT/);
		assert.equal(opt.changes.map(describeChange).join(), "MAXCYCLE in OPTGEOM 100 -> 300");
	});

	corpusTest("RESTART goes inside OPTGEOM, before ENDOPT; a deck without OPTGEOM is refused", () => {
		const nio = echoedDeck("a17_nio_sto3g_afm_opt__main.out");
		const { text } = editDeck(nio, [{ action: "set", keyword: "RESTART" }]);
		assert.equal(text, nio.replace("FULLOPTG\nENDOPT\n", "FULLOPTG\nRESTART\nENDOPT\n"));
		assert.equal(editDeck(text, [{ action: "set", keyword: "RESTART" }]).text, text, "no second RESTART");
		const mgo = readFileSync(join(root, "fixtures", "demo", "mgo.d12"), "utf8");
		assert.throws(
			() => editDeck(mgo, [{ action: "set", keyword: "RESTART" }]),
			/OPTGEOM block, and the deck has none/,
		);
	});

	corpusTest("one mixer at a time: BROYDEN replaces ANDERSON and an explicit DIIS", () => {
		const diamond = echoedDeck("cpt_propinp_diamondcrys.out");
		const broyden = editDeck(diamond, [{ action: "set", keyword: "BROYDEN", value: ["0.0001 50 2"] }]);
		assert.deepEqual(broyden.changes.map(describeChange), ["DIIS removed", "BROYDEN 0.0001 50 2 added"]);
		assert.deepEqual(lineDiff(diamond, broyden.text), {
			added: ["BROYDEN", "0.0001 50 2"],
			removed: ["DIIS"],
		});
		const anderson = editDeck(broyden.text, [{ action: "set", keyword: "ANDERSON" }]);
		assert.deepEqual(anderson.changes.map(describeChange), ["BROYDEN 0.0001 50 2 removed", "ANDERSON added"]);
		assert.equal(keywordValue(anderson.text, "BROYDEN"), null);
	});

	test("a twin already in the deck is folded into one keyword", () => {
		const mgo = readFileSync(join(root, "fixtures", "demo", "mgo.d12"), "utf8");
		const twins = mgo.replace("PPAN\nEND\n", "PPAN\nMAXCYCLE\n80\nEND\n");
		const { text } = editDeck(twins, [{ action: "set", keyword: "MAXCYCLE", value: ["120"] }]);
		assert.equal(text, mgo.replace("MAXCYCLE\n50\n", "MAXCYCLE\n120\n"));
	});

	corpusTest("CRLF decks stay CRLF, indentation and trailing blanks are kept", () => {
		const nio = echoedDeck("a17_nio_sto3g_afm_scf__main.out")
			.replaceAll("\n", "\r\n")
			.replace("SHRINK\r\n8 8", "SHRINK  \r\n  8 8");
		const { text } = editDeck(nio, [
			{ action: "set", keyword: "GUESSP" },
			{ action: "set", keyword: "FMIXING", value: ["80"] },
		]);
		assert.ok(!/[^\r]\n/.test(text), "every line ends CRLF");
		assert.equal(
			text,
			nio
				.replace("FMIXING\r\n30\r\n", "FMIXING\r\n80\r\n")
				.replace("PPAN\r\nEND\r\n", "PPAN\r\nGUESSP\r\nEND\r\n"),
		);
	});

	test("removing a keyword takes its value lines with it; an unknown keyword is refused", () => {
		const al = readFileSync(join(root, "fixtures", "demo", "al-unconverged.d12"), "utf8");
		const { text, changes } = editDeck(al, [{ action: "remove", keyword: "MAXCYCLE" }]);
		assert.equal(text, al.replace("MAXCYCLE\n30\n", ""));
		assert.equal(changes.map(describeChange).join(), "MAXCYCLE 30 removed");
		assert.throws(
			() => editDeck(al, [{ action: "set", keyword: "FROBNICATE" }]),
			/does not know the keyword FROBNICATE/,
		);
		assert.throws(
			() => editDeck(al, [{ action: "set", keyword: "LEVSHIFT", value: [] }]),
			/takes 1 value line/,
		);
	});

	test("a keyword inside DFT ... END is not the SCF block's keyword", () => {
		const mgo = readFileSync(join(root, "fixtures", "demo", "mgo.d12"), "utf8");
		const inDft = mgo.replace("XLGRID\nEND\n", "XLGRID\nSMEAR\n0.01\nEND\n");
		assert.equal(keywordValue(inDft, "SMEAR"), null);
		const { text } = editDeck(inDft, [{ action: "set", keyword: "SMEAR", value: ["0.005"] }]);
		assert.match(text, /XLGRID\nSMEAR\n0\.01\nEND\n/);
		assert.match(text, /PPAN\nSMEAR\n0\.005\nEND\n$/);
	});
});
