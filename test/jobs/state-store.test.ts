/**
 * A damaged `.crystal-tui/state.db`, through the real crystal-tui: a message naming the file,
 * never a stack trace; the store set aside and made anew from the run folders, so a job that
 * was running when the store broke is still followed to its result.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { readdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { after, test } from "node:test";
import { StateStore } from "../../source/jobs/state-store.js";
import type { RunRecord } from "../../source/runner/run-store.js";
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

test("the store's records are those in the file: its own writes at once, another connection's too", async () => {
	const dir = await tempProject({ "mgo.d12": deck("MgO bulk") });
	made.push(dir);
	const store = new StateStore(dir);
	const record: RunRecord = {
		jobId: "mgo",
		spec: { id: "mgo", name: "mgo", dir, runner: "local", parallelism: { ranks: 1, threads: 1 } },
		state: "queued",
		detail: null,
		handle: null,
		offset: 0,
		startedAt: null,
		endedAt: null,
		stopRequested: false,
		result: null,
	};
	store.put(record);
	assert.deepEqual(
		store.list().map((r) => r.state),
		["queued"],
	);
	store.put({ ...record, state: "running" });
	store.setOffset("mgo", 120);
	assert.equal(store.get("mgo")?.state, "running");
	assert.equal(store.list()[0]?.offset, 120);

	// Another process writes to the file (a crystal-tui of an older version, a repair by hand).
	const other = new DatabaseSync(join(stateDir(dir), "state.db"));
	other
		.prepare("UPDATE runs SET record = ?, output_offset = 300 WHERE job_id = 'mgo'")
		.run(JSON.stringify({ ...record, state: "lost", detail: "set elsewhere" }));
	other
		.prepare("INSERT INTO runs (job_id, record, output_offset, updated_at) VALUES ('si', ?, 0, 0)")
		.run(JSON.stringify({ ...record, jobId: "si" }));
	other.close();
	assert.equal(store.get("mgo")?.detail, "set elsewhere");
	assert.deepEqual(
		store.list().map((r) => [r.jobId, r.state, r.offset]),
		[
			["mgo", "lost", 300],
			["si", "queued", 0],
		],
	);
	store.close();
});
