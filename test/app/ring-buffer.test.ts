import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { LineRing } from "../../source/app/ring-buffer.js";

test("the ring keeps the last lines by their number in the whole log", () => {
	const ring = new LineRing(3);
	ring.push(["a", "b"]);
	ring.push(["c", "d", "e"]);
	assert.equal(ring.total, 5);
	assert.equal(ring.first, 2);
	assert.deepEqual(ring.slice(0, 5), ["c", "d", "e"]);
	assert.equal(ring.get(1), undefined);
	assert.equal(ring.get(4), "e");
});

test("the ring agrees with an unbounded list for any batches", () => {
	fc.assert(
		fc.property(
			fc.integer({ min: 1, max: 20 }),
			fc.array(fc.array(fc.string(), { maxLength: 30 })),
			(capacity, batches) => {
				const ring = new LineRing(capacity);
				const all: string[] = [];
				for (const batch of batches) {
					ring.push(batch);
					all.push(...batch);
				}
				assert.equal(ring.total, all.length);
				assert.deepEqual(ring.slice(0, all.length), all.slice(Math.max(0, all.length - capacity)));
			},
		),
	);
});

test("a ring read from a log's tail numbers its lines from there", () => {
	const ring = new LineRing(10);
	ring.clear(500);
	ring.push(["x", "y"]);
	assert.equal(ring.first, 500);
	assert.equal(ring.get(501), "y");
});
