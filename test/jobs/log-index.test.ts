import assert from "node:assert/strict";
import { appendFile, mkdtemp, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import fc from "fast-check";
import { LogIndex } from "../../source/jobs/log-index.js";

const dir = await mkdtemp(join(tmpdir(), "crystal-tui-log-index-"));
after(() => rm(dir, { recursive: true, force: true }));

/** What reading the whole file and splitting it gives: the reference the index must match. */
function naive(text: string): string[] {
	const lines = text.split(/\r?\n/);
	if (lines.at(-1) === "") lines.pop();
	return lines;
}

test("any window of a log is the same lines as splitting the whole file, as it grows", async () => {
	const path = join(dir, "grow.out");
	const line = fc.oneof(
		fc.string({ maxLength: 40 }).map((s) => s.replace(/[\r\n]/g, "")),
		fc.constantFrom(" CYC   12 ETOT(AU) -2.75E+02", "", " ΔE → ¹²³ 能量", "résumé\r"),
	);
	await fc.assert(
		fc.asyncProperty(
			fc.array(fc.array(line, { maxLength: 60 }), { minLength: 1, maxLength: 4 }),
			fc.boolean(),
			fc.nat(200),
			fc.nat(30),
			async (appends, partialLast, start, count) => {
				await writeFile(path, "");
				// A small step, so that windows cross many checkpoints.
				const index = new LogIndex(path, 7);
				let text = "";
				for (const lines of appends) {
					const more = lines.map((l) => `${l}\n`).join("");
					text += more;
					await appendFile(path, more);
					await index.refresh();
					assert.equal(index.total, naive(text).length);
				}
				if (partialLast) {
					text += "still being writ";
					await appendFile(path, "still being writ");
					await index.refresh();
				}
				const expected = naive(text);
				assert.equal(index.total, expected.length);
				assert.deepEqual(await index.read(start, count), expected.slice(start, start + count));
				assert.deepEqual(await index.read(0, expected.length), expected);
			},
		),
		{ numRuns: 150 },
	);
});

test("a log replaced by a new run's is indexed again; a missing one has no lines", async () => {
	const path = join(dir, "run.out");
	await writeFile(path, "old 1\nold 2\nold 3\n");
	const index = new LogIndex(path, 2);
	await index.refresh();
	assert.equal(index.total, 3);
	await rename(path, `${path}.prev`);
	await index.refresh();
	assert.equal(index.total, 0);
	await writeFile(path, "new 1\n");
	await index.refresh();
	assert.deepEqual(await index.read(0, 10), ["new 1"]);
	await writeFile(path, "shorter\n");
	await index.refresh();
	assert.deepEqual(await index.read(0, 10), ["shorter"]);
});

test("lines far into a log of 300,000 lines are the right ones, and so is its end", async () => {
	const path = join(dir, "big.out");
	const lines = Array.from({ length: 300_000 }, (_, i) => ` line ${i} ${"x".repeat(i % 50)}`);
	await writeFile(path, `${lines.join("\n")}\n`);
	const index = new LogIndex(path);
	await index.refresh();
	assert.equal(index.total, 300_000);
	assert.deepEqual(await index.read(234_567, 3), lines.slice(234_567, 234_570));
	assert.deepEqual(await index.read(299_998, 10), lines.slice(299_998));
});
