import assert from "node:assert/strict";
import { appendFileSync, mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { followFile, watchableFolder } from "../../source/runner/tail.js";

const folders: string[] = [];
after(() => {
	for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});
const folder = () => {
	const dir = mkdtempSync(join(tmpdir(), "crystal-tui-tail-"));
	folders.push(dir);
	return dir;
};

/** Follows `path` from `offset`, collecting what arrives. */
function follow(path: string, offset = 0) {
	const chunks: Buffer[] = [];
	const troubles: string[] = [];
	const follower = followFile(path, offset, {
		data: (chunk) => chunks.push(chunk),
		trouble: (message) => troubles.push(message),
	});
	return { follower, troubles, text: () => Buffer.concat(chunks).toString() };
}

async function until(what: string, done: () => boolean, timeoutMs = 5000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!done()) {
		if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 20));
	}
}

test("the machine's temporary folder is a local file system, watched rather than polled", () => {
	assert.equal(watchableFolder(tmpdir()), true);
	assert.equal(watchableFolder(join(tmpdir(), "no-such-folder-here")), false);
});

test("lines written after a quiet spell arrive, every byte once and in order, from the offset", async () => {
	const path = join(folder(), "mgo.out");
	writeFileSync(path, "skipped\n");
	const { follower, troubles, text } = follow(path, "skipped\n".length);
	try {
		appendFileSync(path, " CYC   1 ETOT(AU) -2.75E+02\n");
		await until("the first line", () => text().includes("CYC   1"));
		// Quiet, then a burst, then quiet, then a line: as CRYSTAL writes.
		await new Promise((resolve) => setTimeout(resolve, 600));
		for (let n = 2; n <= 50; n++) appendFileSync(path, ` CYC ${String(n).padStart(3)} ETOT(AU) -2.75E+02\n`);
		await new Promise((resolve) => setTimeout(resolve, 600));
		appendFileSync(path, " == SCF ENDED\n");
		await until("the last line", () => text().includes("SCF ENDED"));
		const lines = text().trimEnd().split("\n");
		assert.equal(lines.length, 51);
		assert.deepEqual(
			lines.slice(0, 50).map((line) => Number(line.slice(5, 8))),
			Array.from({ length: 50 }, (_, i) => i + 1),
		);
		assert.deepEqual(troubles, []);
	} finally {
		follower.close();
	}
});

test("a file created after the follow starts is followed; its neighbours in the folder are not", async () => {
	const dir = folder();
	const path = join(dir, "late.out");
	const { follower, text } = follow(path);
	try {
		writeFileSync(join(dir, "other.out"), "another job's line\n");
		writeFileSync(path, "first line of late\n");
		await until("the late file's line", () => text().includes("first line of late"));
		appendFileSync(join(dir, "other.out"), "more of the other job\n");
		appendFileSync(path, "second line of late\n");
		await until("the second line", () => text().includes("second line"));
		assert.equal(text(), "first line of late\nsecond line of late\n");
	} finally {
		follower.close();
	}
});

test("the path is followed, not the file: one moved aside and replaced is read at the new one", async () => {
	const dir = folder();
	const path = join(dir, "opt.out");
	writeFileSync(path, "old run\n");
	const { follower, text } = follow(path);
	try {
		await until("the old run", () => text() === "old run\n");
		renameSync(path, `${path}.prev`);
		appendFileSync(`${path}.prev`, "written to the moved file\n");
		writeFileSync(path, "old run\nnew line\n");
		await until("the new file's line", () => text().includes("new line"));
		assert.equal(text(), "old run\nnew line\n");
	} finally {
		follower.close();
	}
});

test("drain reads what was written up to now; after close nothing more arrives", async () => {
	const path = join(folder(), "drain.out");
	writeFileSync(path, "");
	const { follower, text } = follow(path);
	appendFileSync(path, "written just before the exit record\n");
	await follower.drain();
	assert.equal(text(), "written just before the exit record\n");
	follower.close();
	appendFileSync(path, "after close\n");
	await new Promise((resolve) => setTimeout(resolve, 600));
	assert.equal(text(), "written just before the exit record\n");
});

test("several files of one folder followed at once, in bursts and quiet spells: each gets all of its own", async () => {
	const dir = folder();
	const names = ["a.out", "b.out", "c.out"];
	const followed = names.map((n) => follow(join(dir, n)));
	const expected = names.map(() => "");
	try {
		for (let round = 0; round < 12; round++) {
			// Bursts on every file, then one file alone after a pause (the others wait quietly).
			const writers = round % 3 === 2 ? [round % names.length] : names.map((_, i) => i);
			for (const i of writers) {
				for (let k = 0; k < 5; k++) {
					const line = `${names[i]} ${round}.${k}\n`;
					appendFileSync(join(dir, names[i] as string), line);
					expected[i] += line;
				}
			}
			await new Promise((resolve) => setTimeout(resolve, round % 3 === 2 ? 400 : 30));
		}
		await until("every line of every file", () => followed.every((f, i) => f.text() === expected[i]));
		for (const f of followed) assert.deepEqual(f.troubles, []);
	} finally {
		for (const f of followed) f.follower.close();
	}
});
