/**
 * Rows are exactly as wide as asked, whatever they hold: the painter writes them over the
 * previous ones, so a row one cell short leaves a stale cell and one cell long spills into the
 * next pane.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import stringWidth from "string-width";
import { cells, styledRow } from "../../source/app/styled-row.js";

const alphabet = [..."aZ 9.-:*()·Δ…◆○●◌◍✓✗⊘▁▂▃▄▅▆▇█⠋⠙⣿", "漢", "字", "é", "e\u0301", "👍", "\t"];
const text = fc.array(fc.constantFrom(...alphabet), { maxLength: 60 }).map((chars) => chars.join(""));
// biome-ignore lint/suspicious/noControlCharactersInRegex: SGR sequences are what this removes
const plain = (row: string) => row.replace(/\x1b\[[\d;]*m/g, "");

test("a row's width in cells is what string-width measures, for every kind of character", () => {
	fc.assert(fc.property(text, (t) => cells(t) === stringWidth(t)));
});

test("a styled row is exactly its width, cut with an ellipsis or padded", () => {
	fc.assert(
		fc.property(
			fc.array(fc.record({ text, bold: fc.boolean(), color: fc.constantFrom(undefined, "cyan", "gray") }), {
				maxLength: 4,
			}),
			fc.integer({ min: 1, max: 50 }),
			(runs, width) => {
				const row = styledRow(
					runs.map((r) => ({ text: r.text, style: { bold: r.bold, color: r.color } })),
					width,
					{ backgroundColor: "gray" },
				);
				const shown = plain(row);
				assert.equal(stringWidth(shown), width, JSON.stringify(shown));
				const whole = runs.map((r) => r.text).join("");
				if (stringWidth(whole) > width) assert.ok(shown.includes("…"));
				else assert.ok(shown.startsWith(whole));
			},
		),
	);
});
