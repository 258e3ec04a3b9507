/**
 * The supervisor through the real binary: one owner for every job, whatever happens to the
 * clients (SIGKILL) or to the supervisor itself.
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { execa } from "execa";
import { supervisorPaths } from "../../source/supervisor/paths.js";
import {
	banners,
	cliPath,
	crystalTui,
	deck,
	mockBin,
	projectsOfThisFile,
	sleep,
	supervisorEnv,
} from "../helpers/project.js";

const project = projectsOfThisFile();

interface Row {
	id: string;
	state: string;
	startedAt: string | null;
	endedAt: string | null;
	finalEnergyHartree: number | null;
}

async function status(dir: string): Promise<Row[]> {
	const r = await crystalTui(["status", "--json"], { cwd: dir });
	assert.equal(r.exitCode, 0, r.all);
	return JSON.parse(r.stdout) as Row[];
}

async function waitForStates(
	dir: string,
	want: (rows: Row[]) => boolean,
	timeoutMs = 60_000,
): Promise<Row[]> {
	const deadline = Date.now() + timeoutMs;
	let rows: Row[] = [];
	while (Date.now() < deadline) {
		rows = await status(dir);
		if (want(rows)) return rows;
		await sleep(300);
	}
	assert.fail(`states not reached: ${JSON.stringify(rows.map((r) => [r.id, r.state]))}`);
}

const supervisorPid = (): number => Number(readFileSync(supervisorPaths(supervisorEnv).pid, "utf8").trim());

/** A run of the binary in the background, like a user's shell job. */
function background(args: string[], cwd: string, delay: number) {
	return execa(cliPath, args, {
		cwd,
		reject: false,
		all: true,
		stdin: "ignore",
		env: { CRYSTAL_MOCK_DELAY: String(delay), CRY23_EXEDIR: mockBin, NO_COLOR: "1", ...supervisorEnv },
	});
}

describe("the supervisor", { timeout: 180_000 }, () => {
	it("runs a queue to its end in order with no client left (the client SIGKILLed after a second)", async () => {
		const dir = await project({ "a.d12": deck("A"), "b.d12": deck("B"), "c.d12": deck("C") });
		const client = background(["run", "--max-jobs", "1", "a.d12", "b.d12", "c.d12", "--no-tui"], dir, 0.003);
		await sleep(1000);
		client.kill("SIGKILL");
		await client;
		const rows = await waitForStates(dir, (rs) => rs.every((r) => r.state === "finished"), 90_000);
		const byId = new Map(rows.map((r) => [r.id, r]));
		const at = (id: string, key: "startedAt" | "endedAt") => Date.parse(byId.get(id)?.[key] ?? "");
		assert.ok(at("b", "startedAt") >= at("a", "endedAt") - 1000, "b after a");
		assert.ok(at("c", "startedAt") >= at("b", "endedAt") - 1000, "c after b");
		for (const id of ["a", "b", "c"]) {
			assert.equal(banners(readFileSync(join(dir, `${id}.out`), "utf8")), 1, `${id} ran once`);
			assert.notEqual(byId.get(id)?.finalEnergyHartree, null);
		}
	});

	it("runs a deck once when three runs of it are started at once, twenty times", async () => {
		const dir = await project({ "mgo.d12": deck("MgO") });
		for (let round = 0; round < 20; round++) {
			let ended = 0;
			const runs = [0, 1, 2].map(() =>
				crystalTui(["run", "mgo.d12", "--no-tui"], { cwd: dir, delay: 0.05 }).then((r) => {
					ended++;
					return r;
				}),
			);
			// The two refused return at once; then the one run is stopped (it is long).
			const out = join(dir, "mgo.out");
			const started = () => existsSync(out) && banners(readFileSync(out, "utf8")) > 0;
			const deadline = Date.now() + 20_000;
			while ((ended < 2 || !started()) && Date.now() < deadline) await sleep(50);
			await crystalTui(["stop", "mgo", "--force"], { cwd: dir });
			const results = await Promise.all(runs);
			const refused = results.filter((r) => r.exitCode === 2);
			assert.equal(
				refused.length,
				2,
				`round ${round}: two refused: ${results.map((r) => r.all.slice(0, 300)).join("\n---\n")}`,
			);
			for (const r of refused) assert.match(r.stderr, /mgo is already (queued|running|being started)/);
			assert.equal(banners(readFileSync(join(dir, "mgo.out"), "utf8")), 1, `round ${round}: one banner`);
			assert.equal(
				existsSync(join(dir, "mgo.out.prev")) && round === 0,
				false,
				"no second run moved it aside",
			);
		}
	});

	it("stops a job queued from another shell at once, and refuses an unknown job at once", async () => {
		const dir = await project({ "a.d12": deck("A"), "b.d12": deck("B") });
		const client = background(["run", "--max-jobs", "1", "a.d12", "b.d12", "--no-tui"], dir, 0.01);
		await waitForStates(dir, (rs) => rs.find((r) => r.id === "b")?.state === "queued");
		const stop = await crystalTui(["stop", "b"], { cwd: dir });
		assert.equal(stop.exitCode, 0, stop.all);
		assert.match(stop.stdout, /b: cancelled/);
		const rows = await status(dir);
		assert.equal(rows.find((r) => r.id === "b")?.state, "cancelled");
		const unknown = await crystalTui(["stop", "nosuchjob"], { cwd: dir });
		assert.equal(unknown.exitCode, 2);
		assert.match(unknown.stderr, /nosuchjob/);
		await crystalTui(["stop", "a", "--force"], { cwd: dir });
		await client;
		assert.equal(existsSync(join(dir, "b.out")), false, "b never started");
	});

	it("prints every line exactly once across a client killed and the next one, with a queued job", async () => {
		const dir = await project({ "a.d12": deck("A"), "b.d12": deck("B") });
		const first = background(["run", "--max-jobs", "1", "a.d12", "b.d12", "--no-tui"], dir, 0.004);
		await sleep(1200);
		first.kill("SIGKILL");
		const one = await first;
		const second = await crystalTui(["--no-tui"], { cwd: dir });
		assert.equal(second.exitCode, 0, second.all.slice(-2000));
		const printed = `${one.stdout}\n${second.stdout}`.split("\n");
		for (const name of ["a", "b"]) {
			const lines = readFileSync(join(dir, `${name}.out`), "utf8")
				.replace(/\n$/, "")
				.split("\n");
			const shown = printed.filter((l) => l.startsWith(`[${name}] `) && !/^\[\w+\] (done|FAILED)/.test(l));
			assert.deepEqual(
				shown.map((l) => l.slice(name.length + 3)),
				lines,
				`${name}: every line once, in order`,
			);
		}
	});

	it("re-adopts everything when the supervisor itself is SIGKILLed mid-run: nothing lost, nothing run twice", async () => {
		const dir = await project({ "a.d12": deck("A"), "b.d12": deck("B"), "c.d12": deck("C") });
		const client = background(["run", "--max-jobs", "1", "a.d12", "b.d12", "c.d12", "--no-tui"], dir, 0.003);
		await waitForStates(dir, (rs) => rs.find((r) => r.id === "a")?.state === "running");
		process.kill(supervisorPid(), "SIGKILL");
		// The client notices, starts a new supervisor, which re-adopts a and goes on with the queue.
		const done = await client;
		assert.equal(done.exitCode, 0, done.all.slice(-2000));
		const rows = await waitForStates(dir, (rs) => rs.every((r) => r.state === "finished"));
		assert.equal(rows.length, 3);
		for (const id of ["a", "b", "c"]) {
			assert.equal(banners(readFileSync(join(dir, `${id}.out`), "utf8")), 1, `${id} ran once`);
		}
	});

	it("re-adopted mid-optimisation after a SIGKILL of client and supervisor, gives the result of a fresh parse", async () => {
		const dir = await project({ "opt.d12": deck("Quartz optimisation", ["OPTGEOM"]) });
		const client = background(["run", "opt.d12", "--no-tui"], dir, 0.01);
		// Well into the optimisation: some points done, more to come.
		const out = join(dir, "opt.out");
		while (
			!existsSync(out) ||
			(readFileSync(out, "utf8").match(/OPT POINT|OPTIMIZATION - POINT/g)?.length ?? 0) < 2
		) {
			await sleep(100);
		}
		client.kill("SIGKILL");
		await client;
		process.kill(supervisorPid(), "SIGKILL");
		const rows = await waitForStates(dir, (rs) => rs[0]?.state === "finished", 90_000);
		const parsed = await crystalTui(["parse", "opt.out", "--json"], { cwd: dir });
		const fresh = JSON.parse(parsed.stdout) as Record<string, unknown>;
		const result = (rows[0] as unknown as { result: Record<string, unknown> }).result;
		for (const key of [
			"optEnergiesHartree",
			"scfDeltaEsHartree",
			"finalEnergyHartree",
			"optCycles",
			"finalGeometry",
		]) {
			assert.deepEqual(result[key], fresh[key], key);
		}
		assert.ok((fresh.optEnergiesHartree as number[]).length > 2, "several optimisation points");
	});

	it("orders the queue: a job moved to the top runs next, a held one waits, a pause outlives the supervisor", async () => {
		const dir = await project({
			"a.d12": deck("A"),
			"b.d12": deck("B"),
			"c.d12": deck("C"),
			"d.d12": deck("D"),
		});
		const client = background(
			["run", "--max-jobs", "1", "a.d12", "b.d12", "c.d12", "d.d12", "--no-tui"],
			dir,
			0.01,
		);
		await waitForStates(dir, (rs) => rs.find((r) => r.id === "a")?.state === "running");
		const ok = async (args: string[]) => {
			const r = await crystalTui(args, { cwd: dir });
			assert.equal(r.exitCode, 0, r.all);
		};
		await ok(["queue", "top", "d"]);
		await ok(["queue", "hold", "b"]);
		await ok(["queue", "pause"]);
		const bad = await crystalTui(["queue", "up", "a"], { cwd: dir });
		assert.equal(bad.exitCode, 2, "a running job has no place in the queue");
		assert.match(bad.stderr, /a is not queued/);
		// a ends; paused, nothing else starts, even with a new supervisor.
		await waitForStates(dir, (rs) => rs.find((r) => r.id === "a")?.state === "finished");
		process.kill(supervisorPid(), "SIGKILL");
		await sleep(1500);
		let rows = await status(dir);
		assert.deepEqual(
			rows.map((r) => r.state),
			["finished", "queued", "queued", "queued"],
			"the pause outlived the supervisor",
		);
		await ok(["queue", "resume"]);
		rows = await waitForStates(dir, (rs) => rs.find((r) => r.id === "c")?.state === "finished");
		const by = new Map(rows.map((r) => [r.id, r]));
		assert.ok(
			Date.parse(by.get("d")?.endedAt ?? "") <= Date.parse(by.get("c")?.startedAt ?? ""),
			"d before c",
		);
		assert.equal(by.get("b")?.state, "queued", "b is held");
		await ok(["queue", "release", "b"]);
		await waitForStates(dir, (rs) => rs.find((r) => r.id === "b")?.state === "finished");
		await client;
	});

	it("takes its lock: a second supervisor started by hand leaves at once", async () => {
		const dir = await project({ "a.d12": deck("A") });
		await status(dir);
		const pid = supervisorPid();
		const second = await execa(cliPath, ["__supervisor"], {
			reject: false,
			env: { ...supervisorEnv },
			timeout: 10_000,
		});
		assert.equal(second.exitCode, 0);
		assert.equal(supervisorPid(), pid, "the first one still runs");
	});
});
