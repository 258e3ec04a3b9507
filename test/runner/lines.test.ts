import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { LineSplitter } from "../../source/runner/lines.js";

const splitAll = (chunks: Buffer[]) => {
	const splitter = new LineSplitter();
	const lines: string[] = [];
	const offsets: number[] = [];
	for (const chunk of chunks) {
		const r = splitter.push(chunk);
		lines.push(...r.lines);
		offsets.push(r.offset);
	}
	const last = splitter.flush();
	lines.push(...last.lines);
	return { lines, offset: last.offset, offsets };
};

test("however the bytes are cut, the same lines come out and the offset ends at the last byte", () => {
	fc.assert(
		fc.property(
			fc.array(fc.string({ unit: "grapheme" }), { maxLength: 30 }),
			fc.array(fc.nat(), { maxLength: 10 }),
			(words, cuts) => {
				const text = words.join("\n").replaceAll("\r", "");
				const whole = Buffer.from(text);
				const points = [...new Set(cuts.map((c) => c % (whole.length + 1)))].sort((a, b) => a - b);
				const chunks: Buffer[] = [];
				let from = 0;
				for (const p of points) {
					chunks.push(whole.subarray(from, p));
					from = p;
				}
				chunks.push(whole.subarray(from));
				const result = splitAll(chunks);
				const expected = text.split("\n");
				if (text.endsWith("\n") || text === "") expected.pop();
				assert.deepEqual(result.lines, expected);
				assert.equal(result.offset, whole.length);
			},
		),
	);
});

test("a re-attach at a delivered offset resumes exactly after the last whole line", () => {
	const text = Buffer.from("first\nsecond\nthi");
	const splitter = new LineSplitter();
	const r = splitter.push(text);
	assert.deepEqual(r.lines, ["first", "second"]);
	assert.equal(r.offset, "first\nsecond\n".length);
	const resumed = new LineSplitter(r.offset);
	const rest = resumed.push(Buffer.concat([text.subarray(r.offset), Buffer.from("rd\n")]));
	assert.deepEqual(rest.lines, ["third"]);
});

test("CRLF line ends are removed, a runaway line is cut into bounded pieces", () => {
	const splitter = new LineSplitter();
	assert.deepEqual(splitter.push(Buffer.from("a\r\nb\n")).lines, ["a", "b"]);
	const huge = Buffer.alloc(3 * 1024 * 1024, 0x41);
	const r = splitter.push(huge);
	assert.ok(r.lines.length >= 2 && r.lines.every((l) => l.length <= 1 << 20));
});
