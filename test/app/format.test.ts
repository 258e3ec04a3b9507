import assert from "node:assert/strict";
import { test } from "node:test";
import { formatElapsed, nextElapsedChange } from "../../source/app/format.js";

test("elapsed times read in seconds for a minute, then in minutes and hours", () => {
	const start = 1_000_000_400;
	assert.equal(formatElapsed(start, start + 42_000), "42s");
	assert.equal(formatElapsed(start, start + 17 * 60_000 + 5_000), "17m");
	assert.equal(formatElapsed(start, start + (3 * 60 + 5) * 60_000), "3h05m");
	// The next change is the next second in the first minute, the next minute after it.
	assert.equal(formatElapsed(start, nextElapsedChange(start, start + 42_000)), "43s");
	const later = start + 17 * 60_000 + 5_000;
	const next = nextElapsedChange(start, later);
	assert.equal(formatElapsed(start, next - 1), "17m");
	assert.equal(formatElapsed(start, next), "18m");
});

test("every run's time changes at the same instant of the wall clock", () => {
	const now = 2_000_000_000_250;
	const changes = [0, 130, 470, 990].map((offset) => nextElapsedChange(now - 5_000 - offset, now));
	assert.equal(new Set(changes).size, 1);
});
