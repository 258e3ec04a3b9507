/**
 * A damaged `.crystal-tui/state.db`, through the real crystal-tui: a message naming the file,
 * never a stack trace; the store set aside and made anew from the run folders, so a job that
 * was running when the store broke is still followed to its result.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { readdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, test } from "node:test";
import {
	crystalTui,
	deck,
	eventually,
	killSupervisor,
	removeProject,
	tempProject,
} from "../helpers/project.js";

const made: string[] = [];
after(async () => {
	for (const dir of made) await removeProject(dir);
});

const stateDir = (dir: string) => join(dir, ".crystal-tui");

async function damage(dir: string): Promise<void> {
	await writeFile(join(stateDir(dir), "state.db"), Buffer.alloc(4096, "not a database at all "));
	for (const f of ["state.db-wal", "state.db-shm"]) await rm(join(stateDir(dir), f), { force: true });
}

test("a corrupt state.db is set aside and rebuilt from the run folders: running jobs are still followed", async () => {
	const dir = await tempProject({
		"mgo.d12": deck("MgO bulk"),
		"done.d12": deck("MgO bulk"),
		// A properties run keeps its records beside its SCF's (runs/done.d3): found again too.
		"done.d3": "NEWK\n8 8\n1 0\nDOSS\n0 100 1 10 1 14 0\nEND\n",
	});
	made.push(dir);
	const first = await crystalTui(["run", "done.d12", "done.d3", "--no-tui"], { cwd: dir });
	assert.equal(first.exitCode, 0, first.all);
	const running = crystalTui(["run", "mgo.d12", "--no-tui"], { cwd: dir, delay: 0.05 });
	await eventually("the job's PID record", () => existsSync(join(stateDir(dir), "runs", "mgo", "pid")));
	running.kill("SIGKILL");
	await running;
	// Damage is found when a store is opened: as after a crash of the machine, the supervisor
	// that had it open is gone too.
	killSupervisor();
	await damage(dir);

	const status = await crystalTui(["status", "--json"], { cwd: dir, delay: 0.05 });
	assert.equal(status.exitCode, 0, status.all);
	const db = join(stateDir(dir), "state.db");
	assert.match(status.stderr ?? "", new RegExp(`${db} was damaged .*kept as ${db}\\.corrupt-\\d{8}T\\d{6}Z`));
	assert.doesNotMatch(status.all ?? "", /^\s+at /m, "no stack trace");
	assert.equal((await readdir(stateDir(dir))).filter((f) => /^state\.db\.corrupt-/.test(f)).length, 1);
	const rows = JSON.parse(status.stdout ?? "[]") as {
		id: string;
		state: string;
		finalEnergyHartree: number;
	}[];
	const byId = new Map(rows.map((r) => [r.id, r]));
	assert.equal(byId.get("mgo")?.state, "running", "the running job is followed again");
	assert.equal(byId.get("done")?.state, "finished", "an ended job gets its result back");
	assert.ok(byId.get("done")?.finalEnergyHartree);
	assert.equal(byId.get("done.d3")?.state, "finished", "a properties run is found again in runs/done.d3");

	// Followed to its end by the next crystal-tui, from the rebuilt store.
	const watch = await crystalTui([], { cwd: dir, delay: 0.05 });
	assert.equal(watch.exitCode, 0, watch.all);
	const end = await crystalTui(["status", "--json"], { cwd: dir });
	const mgo = (JSON.parse(end.stdout ?? "[]") as { id: string; state: string }[]).find((r) => r.id === "mgo");
	assert.equal(mgo?.state, "finished", end.all);
	assert.doesNotMatch(end.stderr ?? "", /damaged/, "rebuilt once");
});
