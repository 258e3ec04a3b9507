/**
 * The cockpit's screen composer against Ink's own, which the bundle replaces with it: the same
 * writes, clips and transforms must give the same screen, frame after frame (what is kept from
 * one frame must never show in the next).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
// Ink's own, by path: the package exports only its entry.
import InkOutput from "../../node_modules/ink/build/output.js";
import Output from "../../source/app/ink-output.js";

type Op =
	| { kind: "write"; x: number; y: number; text: string; upper: boolean; bold: boolean }
	| { kind: "clip"; x1?: number; x2?: number; y1?: number; y2?: number }
	| { kind: "unclip" };

const red = (s: string) => `\u001b[31m${s}\u001b[39m`;
const pieces = [
	"SCF",
	" CYC 12 ETOT(AU) -2.75E+02",
	"⠋",
	"ΔE",
	"▁▂▃█",
	"宽字",
	"🙂",
	"a\u200bb",
	" ",
	"\n",
	red("failed"),
	"\u001b[1mbold\u001b[22m",
	"\u001b[7m inverse \u001b[27m",
];
const text = fc
	.array(fc.constantFrom(...pieces), { minLength: 1, maxLength: 6 })
	.map((parts) => parts.join(""))
	.filter((t) => t !== "");
const write = fc.record({
	kind: fc.constant("write" as const),
	x: fc.integer({ min: -3, max: 30 }),
	y: fc.integer({ min: -2, max: 10 }),
	text,
	upper: fc.boolean(),
	bold: fc.boolean(),
});
const bound = fc.option(fc.integer({ min: -2, max: 30 }), { nil: undefined });
const clip = fc.record({ kind: fc.constant("clip" as const), x1: bound, x2: bound, y1: bound, y2: bound });
const op = fc.oneof(
	{ weight: 6, arbitrary: write },
	{ weight: 1, arbitrary: clip },
	{ weight: 1, arbitrary: fc.constant({ kind: "unclip" as const }) },
);
const frame = fc.array(op, { maxLength: 14 });

const upper = (line: string) => line.toUpperCase();
const bold = (line: string) => `\u001b[1m${line}\u001b[22m`;

function compose<
	T extends { write: InkOutput["write"]; clip: InkOutput["clip"]; unclip(): void; get(): unknown },
>(output: T, ops: Op[]): unknown {
	let open = 0;
	for (const o of ops) {
		if (o.kind === "write") {
			const transformers = [...(o.upper ? [upper] : []), ...(o.bold ? [bold] : [])];
			output.write(o.x, o.y, o.text, { transformers });
		} else if (o.kind === "clip") {
			output.clip({ x1: o.x1, x2: o.x2, y1: o.y1, y2: o.y2 });
			open++;
		} else if (open > 0) {
			output.unclip();
			open--;
		}
	}
	return output.get();
}

test("frames composed as Ink composes them, however the frames before them went", () => {
	fc.assert(
		fc.property(
			fc.array(frame, { minLength: 1, maxLength: 5 }),
			fc.integer({ min: 1, max: 24 }),
			fc.integer({ min: 1, max: 8 }),
			(frames, width, height) => {
				for (const ops of frames) {
					const theirs = compose(new InkOutput({ width, height }), ops);
					const ours = compose(new Output({ width, height }), ops);
					assert.deepEqual(ours, theirs);
				}
			},
		),
		{ numRuns: 400 },
	);
});
