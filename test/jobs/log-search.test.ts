import assert from "node:assert/strict";
import { test } from "node:test";
import { searchLines } from "../../source/jobs/log-search.js";

const lines = Array.from({ length: 10_000 }, (_, i) => (i % 3000 === 7 ? `hit ${i}` : `line ${i}`));
const read = async (start: number, count: number) => lines.slice(start, start + count);
const find = (from: number | null, direction: "older" | "newer") =>
	searchLines(read, lines.length, (l) => l.startsWith("hit"), from, direction);

test("a search walks from a line in either direction across blocks and wraps once", async () => {
	// The hits are at 7, 3007, 6007 and 9007.
	assert.equal(await find(null, "older"), 9007, "from the end: the newest");
	assert.equal(await find(9007, "older"), 6007);
	assert.equal(await find(7, "older"), 9007, "past the oldest it wraps to the newest");
	assert.equal(await find(null, "newer"), 7, "from the start: the oldest");
	assert.equal(await find(3007, "newer"), 6007);
	assert.equal(await find(9007, "newer"), 7, "past the newest it wraps to the oldest");
	assert.equal(await searchLines(read, lines.length, (l) => l === "never", 5000, "older"), null);
	assert.equal(await searchLines(read, 0, () => true, null, "newer"), null);
});
