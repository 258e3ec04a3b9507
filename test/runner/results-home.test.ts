/**
 * A result is never left behind silently: through the real crystal-tui and the mock CRYSTAL, a
 * result that cannot be copied back (a name too long for the file system, a disk that fills up
 * during the run) fails the run with a detail naming each missing file and the kept scratch
 * folder; an exit record that cannot be read is a failure, and nothing waits for ever.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { readdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { fill, noSmallDisk, smallDisk } from "../helpers/disk.js";
import {
	crystalTui,
	deck,
	eventually,
	groupMembers,
	removeProject,
	tempProject,
} from "../helpers/project.js";

const made: string[] = [];
after(async () => {
	for (const dir of made) await removeProject(dir);
});
const project = async (files: Record<string, string | Buffer>) => {
	const dir = await tempProject(files);
	made.push(dir);
	return dir;
};
const runDir = (dir: string, name: string) => join(dir, ".crystal-tui", "runs", name);
const readPid = async (dir: string, name: string) =>
	Number((await readFile(join(runDir(dir, name), "pid"), "utf8")).trim());

/** Every file left in the project folder (crystal-tui's own folder aside) with its size. */
async function leftovers(dir: string): Promise<Map<string, number>> {
	const sizes = new Map<string, number>();
	for (const f of await readdir(dir)) {
		if (f === ".crystal-tui") continue;
		sizes.set(f, (await stat(join(dir, f))).size);
	}
	return sizes;
}

function assertNoZeroByteLeftovers(files: Map<string, number>): void {
	const empty = [...files].filter(([, size]) => size === 0).map(([f]) => f);
	assert.deepEqual(empty, [], "no zero-byte leftovers");
	assert.deepEqual(
		[...files.keys()].filter((f) => f.includes("crystal-tui")),
		[],
		"no temporary copies left",
	);
}

describe("long deck names", () => {
	test("a 240-character deck name gets all its results back", async () => {
		const name = "m".repeat(240);
		const dir = await project({ [`${name}.d12`]: deck("MgO bulk") });
		const run = await crystalTui(["run", `${name}.d12`, "--no-tui"], { cwd: dir });
		assert.equal(run.exitCode, 0, run.all);
		for (const ext of ["f9", "f98"]) {
			assert.ok(((await stat(join(dir, `${name}.${ext}`))).size ?? 0) > 0, `${ext} came back`);
		}
		assertNoZeroByteLeftovers(await leftovers(dir));
	});

	test("a result whose name the file system cannot hold fails the run, naming it and the kept scratch copy", async () => {
		// NAME.optinfo and NAME.hessopt are 256 bytes: one more than a file name may have.
		const name = "q".repeat(248);
		const dir = await project({ [`${name}.d12`]: deck("Quartz optimisation", ["OPTGEOM"]) });
		const run = await crystalTui(["run", `${name}.d12`, "--no-tui"], { cwd: dir });
		assert.equal(run.exitCode, 1, run.all);
		const scratch = (await readFile(join(runDir(dir, name), "scratch"), "utf8")).trim();
		made.push(scratch);
		const summary = (run.all ?? "").split("\n").find((l) => l.includes("FAILED")) ?? "";
		assert.match(summary, new RegExp(`results not copied back: .*${name}\\.hessopt`), run.all);
		assert.match(summary, new RegExp(`${name}\\.optinfo`));
		assert.ok(summary.includes(`the scratch copy is kept in ${scratch}`), summary);
		assert.ok(existsSync(join(scratch, "HESSOPT.DAT")), "the scratch folder is kept with the results");
		assert.ok(existsSync(join(scratch, "OPTINFO.DAT")));
		// What fits came back.
		assert.ok(existsSync(join(dir, `${name}.f9`)));

		const status = await crystalTui(["status", "--json"], { cwd: dir });
		const [row] = JSON.parse(status.stdout ?? "[]") as { state: string; detail: string; success: boolean }[];
		assert.equal(row?.state, "failed");
		assert.equal(row?.success, false);
		assert.match(row?.detail ?? "", /results not copied back/);
		assertNoZeroByteLeftovers(await leftovers(dir));
	});
});

describe("a full disk", () => {
	const why = noSmallDisk();

	test("a disk that fills up during the run: run --no-tui ends, failed, naming what is missing and where it is", {
		skip: why,
	}, async () => {
		const dir = smallDisk(4096) as string;
		await writeFile(join(dir, "mgo.d12"), deck("MgO bulk"));
		const running = crystalTui(["run", "mgo.d12", "--no-tui"], { cwd: dir, delay: 0.02 });
		let printed = "";
		running.stdout?.on("data", (chunk: Buffer) => {
			printed += chunk.toString();
		});
		await eventually("some SCF cycles", () => /CYC {3}3/.test(printed), 60_000);
		fill(dir);
		const run = await running;
		assert.equal(run.exitCode, 1, run.all);
		const scratch = (await readFile(join(runDir(dir, "mgo"), "scratch"), "utf8")).trim();
		made.push(scratch);
		assert.match(run.all ?? "", /\[mgo\] FAILED: .*results not copied back: mgo\.f9, mgo\.f98/, run.all);
		assert.ok((run.all ?? "").includes(`the scratch copy is kept in ${scratch}`), run.all);
		assert.ok(existsSync(join(scratch, "fort.9")), "the wave function is still in scratch");
		assert.ok(!existsSync(join(dir, "mgo.f9")));
		const files = await leftovers(dir);
		files.delete("filler");
		assertNoZeroByteLeftovers(files);
	});

	test("a full disk at start: a message naming the state file, no stack trace", { skip: why }, async () => {
		const dir = smallDisk(64) as string;
		await writeFile(join(dir, "mgo.d12"), deck("MgO bulk"));
		fill(dir);
		const status = await crystalTui(["status"], { cwd: dir });
		assert.equal(status.exitCode, 2, status.all);
		assert.match(status.stderr ?? "", new RegExp(`cannot open ${join(dir, ".crystal-tui", "state.db")}`));
		assert.match(status.stderr ?? "", /free some space/);
		assert.doesNotMatch(status.all ?? "", /^\s+at /m, "no stack trace");
	});
});

describe("an exit record that cannot be read", () => {
	/** Ends the job's script as a full disk would: gone, with an empty exit record. */
	const endWithEmptyRecord = async (dir: string, name: string) => {
		const pgid = await readPid(dir, name);
		process.kill(-pgid, "SIGKILL");
		await eventually("the job's end", async () => (await groupMembers(pgid)).length === 0);
		await writeFile(join(runDir(dir, name), "exit"), "");
	};

	test("run --no-tui ends with a failure that says so", async () => {
		const dir = await project({ "mgo.d12": deck("MgO bulk") });
		const running = crystalTui(["run", "mgo.d12", "--no-tui"], { cwd: dir, delay: 0.2 });
		await eventually("the job's PID record", () => existsSync(join(runDir(dir, "mgo"), "pid")));
		await endWithEmptyRecord(dir, "mgo");
		const run = await running;
		assert.equal(run.exitCode, 1, run.all);
		assert.match(
			run.all ?? "",
			new RegExp(`\\[mgo\\] FAILED: .*the exit record ${join(runDir(dir, "mgo"), "exit")} is empty`),
		);
	});

	test("status says failed, with the reason, and returns", async () => {
		const dir = await project({ "mgo.d12": deck("MgO bulk") });
		const running = crystalTui(["run", "mgo.d12", "--no-tui"], { cwd: dir, delay: 0.2 });
		await eventually("the job's PID record", () => existsSync(join(runDir(dir, "mgo"), "pid")));
		running.kill("SIGKILL");
		await running;
		await endWithEmptyRecord(dir, "mgo");
		const status = await crystalTui(["status", "--json"], { cwd: dir });
		assert.equal(status.exitCode, 0, status.all);
		const [row] = JSON.parse(status.stdout ?? "[]") as { state: string; detail: string }[];
		assert.equal(row?.state, "failed");
		assert.match(row?.detail ?? "", /exit record .* is empty/);
	});
});
