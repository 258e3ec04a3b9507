/**
 * Streaming properties: any bytes are survived, and the way the output is cut into chunks never
 * changes the answer (it equals feeding whole lines).
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import fc from "fast-check";
import { CrystalParser } from "../../source/crystal/parser.js";
import type { CrystalResult } from "../../source/crystal/result.js";
import { corpusAvailable, corpusFile, corpusSkipMessage, failuresDirectory, loadTruth } from "./corpus.js";

function byLines(text: string): CrystalResult {
	const parser = new CrystalParser();
	const lines = text.split("\n");
	// A trailing newline ends the last line; it does not start an empty one. Without one, the
	// last line was cut.
	const cut = lines.at(-1) === "" ? null : (lines.at(-1) ?? null);
	lines.pop();
	for (const line of lines) parser.feedLine(line);
	if (cut !== null) parser.feedCutLine(cut);
	parser.end();
	return parser.result();
}

/** Feeds `data` cut at the given offsets (any order, duplicates allowed). */
function byChunks(data: Uint8Array | string, cuts: number[]): CrystalResult {
	const parser = new CrystalParser();
	const points = [...new Set(cuts.map((cut) => cut % (data.length + 1)))].sort((a, b) => a - b);
	let start = 0;
	for (const point of [...points, data.length]) {
		if (point > start) parser.feed(data.slice(start, point));
		start = Math.max(start, point);
	}
	parser.end();
	return parser.result();
}

/** Lines that exercise every handler, with CRLF, blanks and junk mixed in. */
const interestingLines = [
	" *                               CRYSTAL17                                     *",
	" *                      public : 1.0.1 - Feb 1st, 2017                         *",
	" EEEEEEEEEE STARTING  DATE 12 09 2018 TIME 03:13:31.4",
	" SPACE GROUP (CENTROSYMMETRIC)        :  F D 3 M         ",
	" GEOMETRY FOR WAVE FUNCTION - DIMENSIONALITY OF THE SYSTEM    3",
	" ATOMS IN THE ASYMMETRIC UNIT    3 - ATOMS IN THE UNIT CELL:    8",
	" CYC   0 ETOT(AU) -3.060528558981E+02 DETOT -3.06E+02 tst  0.00E+00 PX  1.00E+00",
	" CYC   1 ETOT(AU) -3.045139942637E+02 DETOT  4.00E-10 tst  1.75E-14 PX  2.50E-06",
	" INDIRECT ENERGY BAND GAP:   5.8543 eV",
	" POSSIBLY CONDUCTING STATE - EFERMI(AU) -1.3659226E-01 (RES. CHARGE  4.94E-11;IT. 12)",
	" == SCF ENDED - CONVERGENCE ON ENERGY      E(AU) -3.0451399426370E+02 CYCLES   6",
	" == SCF ENDED - TOO MANY CYCLES            E(AU) -2.4226589767476E+02 CYCLES  30",
	" TOTAL ENERGY(DFT)(AU)(  5) -3.0451459152130E+02     DE (AU)   -5.973E-04",
	" COORDINATE AND CELL OPTIMIZATION - POINT    2",
	" MAX GRADIENT      0.007749  THRESHOLD              0.000450 CONVERGED NO",
	" * OPT END - CONVERGED * E(AU):  -3.045148000672E+02  POINTS    4 *",
	"   BAND GAP:                      5.8207  eV ",
	" TTTTTTTTTTTTTTTTTTTTTTTTTTTTTT END         TELAPSE      220.28 TCPU      219.52",
	" EEEEEEEEEE TERMINATION  DATE 12 07 2024 TIME 17:21:17.9",
	" ERROR **** CHOLSK **** BASIS SET LINEARLY DEPENDENT",
	" WARNING **** SCF **** GRADIENT NOT FULLY IMPLEMENTED FOR CONDUCTING SYSTEMS",
	"slurmstepd: error: *** JOB 1 ON n1 CANCELLED AT 2024-11-30T04:00:27 DUE TO TIME LIMIT ***",
	"                       FREQUENCY CALCULATION",
	" CRYSTAL - PROPERTIES - TYPE OF CALCULATION :  RESTRICTED CLOSED SHELL",
	"",
	"   1 NI  28 27.637  2.000  1.999  1.999",
	"\u00e9\u00fc\u2603 not ascii",
];

const lineSoup = fc
	.array(
		fc.record({
			line: fc.oneof(fc.constantFrom(...interestingLines), fc.string({ maxLength: 40 })),
			crlf: fc.boolean(),
		}),
		{ maxLength: 80 },
	)
	.map((entries) =>
		entries
			.map(({ line, crlf }) => line.replaceAll("\n", " ").replaceAll("\r", " ") + (crlf ? "\r\n" : "\n"))
			.join(""),
	);

const cutList = fc.array(fc.nat(), { maxLength: 30 });

/** Feeds `text` cut at the given offsets, each piece as a string or as its UTF-8 bytes. */
function byMixedChunks(text: string, cuts: number[], asBytes: boolean[]): CrystalResult {
	const parser = new CrystalParser();
	// A cut between the two halves of a surrogate pair would make a string no output holds.
	const whole = (cut: number) => (/[\udc00-\udfff]/.test(text.charAt(cut)) ? cut + 1 : cut);
	const points = [...new Set(cuts.map((cut) => whole(cut % (text.length + 1))))].sort((a, b) => a - b);
	let start = 0;
	for (const [index, point] of [...points, text.length].entries()) {
		if (point <= start) continue;
		const piece = text.slice(start, point);
		parser.feed(asBytes[index % Math.max(asBytes.length, 1)] ? Buffer.from(piece, "utf8") : piece);
		start = point;
	}
	parser.end();
	return parser.result();
}

/** Lines longer than the kept prefix, with markers, CRs and multi-byte characters about the cut. */
const longLines = fc
	.record({
		filler: fc.constantFrom(" ", "x", "\u00e9", "\u2603", "\ud83d\ude00"),
		repeat: fc.integer({ min: 3900, max: 4200 }),
		marker: fc.constantFrom(...interestingLines),
		end: fc.constantFrom("", "\r", "\u00e9\r"),
		markerFirst: fc.boolean(),
	})
	.map(({ filler, repeat, marker, end, markerFirst }) =>
		markerFirst ? `${marker}${filler.repeat(repeat)}${end}` : `${filler.repeat(repeat)}${end}${marker}`,
	);

describe("streaming", () => {
	test("arbitrary bytes never throw and always give a result", () => {
		fc.assert(
			fc.property(fc.uint8Array({ maxLength: 2000 }), cutList, (bytes, cuts) => {
				const result = byChunks(bytes, cuts);
				assert.equal(typeof result.terminatedNormally, "boolean");
				assert.ok(Array.isArray(result.errors));
			}),
		);
	});

	test("random line soups: any chunking equals whole-line feeding", () => {
		fc.assert(
			fc.property(lineSoup, cutList, (text, cuts) => {
				const expected = byLines(text);
				assert.deepEqual(byChunks(text, cuts), expected);
				assert.deepEqual(byChunks(Buffer.from(text, "utf8"), cuts), expected);
			}),
			{ numRuns: 300 },
		);
	});

	test("pieces fed as strings and as bytes in turn, long lines among them: equal to whole lines", () => {
		const soup = fc
			.array(
				fc.record({
					line: fc.oneof(fc.constantFrom(...interestingLines), longLines, fc.string({ maxLength: 40 })),
					crlf: fc.boolean(),
				}),
				{ maxLength: 30 },
			)
			.map((entries) =>
				entries.map(({ line, crlf }) => line.replaceAll("\n", " ") + (crlf ? "\r\n" : "\n")).join(""),
			);
		fc.assert(
			fc.property(soup, cutList, fc.array(fc.boolean(), { maxLength: 8 }), (text, cuts, asBytes) => {
				const expected = byLines(text);
				assert.deepEqual(byMixedChunks(text, cuts, asBytes), expected);
				assert.deepEqual(byChunks(Buffer.from(text, "utf8"), cuts), expected);
			}),
			{ numRuns: 200 },
		);
	});

	test("a 10 MB line without newline is survived with bounded memory", () => {
		const parser = new CrystalParser();
		const block = "X".repeat(1 << 20);
		for (let index = 0; index < 10; index++) parser.feed(block);
		parser.feed("\n EEEEEEEEEE TERMINATION  DATE 12 07 2024 TIME 17:21:17.9\n");
		parser.end();
		assert.equal(parser.result().terminatedNormally, true);
	});

	test("invalid UTF-8 and NUL bytes in the middle of an output do not hide what follows", () => {
		const parser = new CrystalParser();
		parser.feed(Buffer.from([0xff, 0xfe, 0x00, 0xc3, 0x0a]));
		parser.feed(" == SCF ENDED - CONVERGENCE ON ENERGY      E(AU) -3.0451399426370E+02 CYCLES   6\n");
		parser.end();
		assert.equal(parser.result().finalEnergyHartree, -304.5139942637);
	});

	test("the synthetic failure outputs: any chunking equals whole-line feeding", () => {
		for (const name of readdirSync(failuresDirectory).filter((file) => file.endsWith(".out"))) {
			const data = readFileSync(join(failuresDirectory, name));
			fc.assert(
				fc.property(cutList, (cuts) => {
					assert.deepEqual(byChunks(data, cuts), byLines(data.toString("utf8")));
				}),
				{ numRuns: 20 },
			);
		}
	});

	test("corpus files: any chunking equals whole-line feeding", {
		skip: corpusAvailable ? false : corpusSkipMessage,
	}, () => {
		const names = Object.keys(loadTruth());
		fc.assert(
			fc.property(fc.constantFrom(...names), cutList, (name, cuts) => {
				const data = readFileSync(corpusFile(name));
				assert.deepEqual(byChunks(data, cuts), byLines(data.toString("utf8")));
			}),
			{ numRuns: 60 },
		);
	});
});
