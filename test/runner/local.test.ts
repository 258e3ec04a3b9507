/**
 * Local jobs end to end through the real crystal-tui binary and the mock CRYSTAL: staging in
 * and out by the table, hostile file names, stop, and a crystal-tui killed mid-run.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { readdir, readFile, rm, utimes } from "node:fs/promises";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { after, describe, test } from "node:test";
import { execa } from "execa";
import {
	cliPath,
	crystalTui,
	deck,
	eventually,
	groupMembers,
	killSupervisor,
	mockBin,
	removeProject,
	sleep,
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
const scratchOf = async (dir: string, name: string) =>
	(await readFile(join(runDir(dir, name), "scratch"), "utf8")).trim();

describe("staging", () => {
	test("every input of the table reaches scratch under CRYSTAL's name", async () => {
		const inputs = {
			// A single point: the mock writes no fort.34 of its own, so the staged one stays.
			"opt.d12": deck("MgO restart", ["GUESSP"], "EXTERNAL"),
			"opt.gui": "3 1 1\n 4.2 0 0\n 0 4.2 0\n 0 0 4.2\n",
			"opt.f9": Buffer.from([0, 1, 2, 3, 255, 254]),
			"opt.hessopt": "hessian\n",
			"opt.optinfo": "optinfo\n",
		};
		const dir = await project(inputs);
		const run = await crystalTui(["run", "opt.d12", "--no-tui", "--keep-scratch"], { cwd: dir });
		assert.equal(run.exitCode, 0, run.all);
		const scratch = await scratchOf(dir, "opt");
		assert.equal(await readFile(join(scratch, "INPUT"), "utf8"), inputs["opt.d12"]);
		assert.equal(await readFile(join(scratch, "fort.34"), "utf8"), inputs["opt.gui"]);
		assert.deepEqual(await readFile(join(scratch, "fort.20")), inputs["opt.f9"]);
		assert.equal(await readFile(join(scratch, "HESSOPT.DAT"), "utf8"), inputs["opt.hessopt"]);
		assert.equal(await readFile(join(scratch, "OPTINFO.DAT"), "utf8"), inputs["opt.optinfo"]);
	});

	test("results come back by the table: wave functions, restart files, optimised geometry", async () => {
		const dir = await project({ "quartz.d12": deck("Quartz optimisation", ["OPTGEOM"]) });
		const run = await crystalTui(["run", "quartz.d12", "--no-tui", "--keep-scratch"], { cwd: dir });
		assert.equal(run.exitCode, 0, run.all);
		const scratch = await scratchOf(dir, "quartz");
		const pairs: [string, string][] = [
			["fort.9", "quartz.f9"],
			["fort.98", "quartz.f98"],
			["OPTINFO.DAT", "quartz.optinfo"],
			["HESSOPT.DAT", "quartz.hessopt"],
			["fort.34", "quartz.gui"],
		];
		for (const [inScratch, inJob] of pairs) {
			assert.ok(existsSync(join(scratch, inScratch)), `mock CRYSTAL wrote ${inScratch}`);
			assert.deepEqual(
				await readFile(join(dir, inJob)),
				await readFile(join(scratch, inScratch)),
				`${inScratch} -> ${inJob}`,
			);
		}
	});

	test("a frequency run brings FREQINFO.DAT back; a single point does not write a .gui", async () => {
		const dir = await project({ "freq.d12": deck("MgO frequencies", ["FREQCALC"]) });
		const run = await crystalTui(["run", "freq.d12", "--no-tui"], { cwd: dir });
		assert.equal(run.exitCode, 0, run.all);
		assert.ok(existsSync(join(dir, "freq.freqinfo")));
		assert.ok(existsSync(join(dir, "freq.f9")));
		assert.ok(!existsSync(join(dir, "freq.gui")));
	});

	test("a successful run removes its scratch folder", async () => {
		const dir = await project({ "mgo.d12": deck("MgO bulk") });
		const run = await crystalTui(["run", "mgo.d12", "--no-tui"], { cwd: dir });
		assert.equal(run.exitCode, 0, run.all);
		assert.ok(!existsSync(await scratchOf(dir, "mgo")));
	});
});

describe("hostile file names", () => {
	test("quotes, $(...), backticks, spaces and non-ASCII are only names", async () => {
		const name = `it's $(touch PWNED1) \`touch PWNED2\` "q" ; touch PWNED3 ünïcödé`;
		const dir = await project({ [`${name}.d12`]: deck("MgO bulk") });
		const run = await crystalTui(["run", `${name}.d12`, "--no-tui"], { cwd: dir });
		assert.equal(run.exitCode, 0, run.all);
		const out = await readFile(join(dir, `${name}.out`), "utf8");
		assert.match(out, /EEEEEEEEEE TERMINATION/);
		assert.ok(existsSync(join(dir, `${name}.f9`)));
		const files = await readdir(dir);
		assert.deepEqual(
			files.filter((f) => f.startsWith("PWNED")),
			[],
		);
		assert.ok(run.all.includes(`[${name}] `), "output lines are prefixed with the job name");
	});
});

describe("stop", () => {
	test("stop leaves no process of the job, MPI ranks included", async () => {
		const dir = await project({ "slow.d12": deck("MgO bulk") });
		const running = crystalTui(["run", "slow.d12", "--no-tui", "--ranks", "3", "--oversubscribe"], {
			cwd: dir,
			delay: 0.2,
		});
		const pgid = await eventually("the job's PID record", async () =>
			existsSync(join(runDir(dir, "slow"), "pid")) ? readPid(dir, "slow") : false,
		);
		await eventually("mpirun and its 3 ranks", async () => (await groupMembers(pgid)).length >= 5);
		const stop = await crystalTui(["stop", "slow"], { cwd: dir });
		assert.equal(stop.exitCode, 0, stop.all);
		assert.match(stop.all ?? "", /slow: cancelled/);
		assert.deepEqual(await groupMembers(pgid), []);
		const watcher = await running;
		assert.equal(watcher.exitCode, 3, "stopped by the user: neither a success nor a failure");
		assert.match(watcher.all ?? "", /^\[slow\] cancelled: stopped by the user$/m);
		assert.doesNotMatch(watcher.all ?? "", /FAILED/);
		const status = await crystalTui(["status", "--json"], { cwd: dir });
		const [row] = JSON.parse(status.stdout ?? "[]") as { state: string }[];
		assert.equal(row?.state, "cancelled");
	});
});

describe("crystal-tui killed mid-run", () => {
	test("the job goes on, a new crystal-tui re-attaches, and NAME.out is the same as an uninterrupted run", async () => {
		const reference = await project({ "mgo.d12": deck("MgO bulk") });
		const whole = await crystalTui(["run", "mgo.d12", "--no-tui"], { cwd: reference });
		assert.equal(whole.exitCode, 0, whole.all);
		const expected = await readFile(join(reference, "mgo.out"));

		const dir = await project({ "mgo.d12": deck("MgO bulk") });
		const first = crystalTui(["run", "mgo.d12", "--no-tui"], { cwd: dir, delay: 0.02 });
		let printed = "";
		first.stdout?.on("data", (chunk: Buffer) => {
			printed += chunk.toString();
		});
		await eventually("some output", () => printed.split("\n").length > 20);
		first.kill("SIGKILL");
		await first;
		const pid = await readPid(dir, "mgo");
		assert.ok((await groupMembers(pid)).length > 0, "the job survives crystal-tui");

		const second = await crystalTui([], { cwd: dir, delay: 0.02 });
		assert.equal(second.exitCode, 0, second.all);
		assert.deepEqual(await readFile(join(dir, "mgo.out")), expected);

		// What the two crystal-tui printed is the whole output, once.
		const lines = (text: string) =>
			text
				.split("\n")
				.filter((l) => l.startsWith("[mgo] "))
				.map((l) => l.slice(6));
		const shown = [...lines(printed), ...lines(second.stdout ?? "")].filter(
			(l) => !/^(done|FAILED):/.test(l),
		);
		assert.deepEqual(shown, expected.toString().replace(/\n$/, "").split("\n"));
	});
});

describe("the supervisor stopped while starting a job", () => {
	/** Puts the job's record back as the launching supervisor left it when it was killed between
	 * starting the job script and recording its handle. */
	const asIfCutShort = (dir: string, name: string, startedAt: number) => {
		killSupervisor();
		const db = new DatabaseSync(join(dir, ".crystal-tui", "state.db"));
		try {
			const row = db.prepare("SELECT record FROM runs WHERE job_id = ?").get(name) as { record: string };
			const record = { ...JSON.parse(row.record), state: "starting", handle: null, startedAt };
			db.prepare("UPDATE runs SET record = ?, output_offset = 0 WHERE job_id = ?").run(
				JSON.stringify(record),
				name,
			);
		} finally {
			db.close();
		}
	};

	test("the next start finds the running job from its PID record and follows it to the end", async () => {
		const dir = await project({ "mgo.d12": deck("MgO bulk") });
		const first = crystalTui(["run", "mgo.d12", "--no-tui"], { cwd: dir, delay: 0.02 });
		const pid = await eventually("the job's PID record", async () =>
			existsSync(join(runDir(dir, "mgo"), "pid")) ? readPid(dir, "mgo") : false,
		);
		first.kill("SIGKILL");
		await first;
		asIfCutShort(dir, "mgo", Date.now() - 5000);
		assert.ok((await groupMembers(pid)).length > 0, "the job survives crystal-tui");

		const second = await crystalTui([], { cwd: dir, delay: 0.02 });
		assert.equal(second.exitCode, 0, second.all);
		assert.match(second.stdout ?? "", /\[mgo\] done: /, "followed to its end and its result");
		assert.match(await readFile(join(dir, "mgo.out"), "utf8"), /EEEEEEEEEE TERMINATION/);
		const status = await crystalTui(["status", "--json"], { cwd: dir });
		assert.equal(JSON.parse(status.stdout ?? "[]")[0]?.state, "finished", status.all);
	});

	test("with no trace of the job script it is reported lost, not left starting for ever", async () => {
		const dir = await project({ "mgo.d12": deck("MgO bulk") });
		const run = await crystalTui(["run", "mgo.d12", "--no-tui"], { cwd: dir });
		assert.equal(run.exitCode, 0, run.all);
		// The PID record there is the finished run's, older than the launch that was cut short
		// (made older still: a quick run ends within the second a launch's record is allowed).
		const old = new Date(Date.now() - 10_000);
		await utimes(join(runDir(dir, "mgo"), "pid"), old, old);
		asIfCutShort(dir, "mgo", Date.now() + 5000);
		// A launch that began moments ago may still be under way in another crystal-tui.
		asIfCutShort(dir, "mgo", Date.now());
		await crystalTui([], { cwd: dir });
		let status = await crystalTui(["status", "--json"], { cwd: dir });
		assert.equal(JSON.parse(status.stdout ?? "[]")[0]?.state, "starting", status.all);

		asIfCutShort(dir, "mgo", Date.now() - 120_000 + 5000);
		await rm(join(runDir(dir, "mgo"), "pid"));
		await crystalTui([], { cwd: dir });
		status = await crystalTui(["status"], { cwd: dir });
		assert.match(status.stdout ?? "", /lost/, status.all);
		assert.match(status.stdout ?? "", /stopped while starting it/, status.all);
	});
});

describe("refused before anything starts", () => {
	const nothingStarted = (dir: string, name: string) => {
		assert.ok(!existsSync(join(runDir(dir, name), "pid")), "no job script was started");
		assert.ok(!existsSync(join(dir, `${name}.out`)), "no output was written");
	};

	test("no deck", async () => {
		const dir = await project({ "mgo.d12": deck("MgO bulk") });
		const run = await crystalTui(["run", "missing.d12", "--no-tui"], { cwd: dir });
		assert.equal(run.exitCode, 2);
		assert.match(run.stderr, /no deck: missing\.d12/);
	});

	test("CRYSTAL not found", async () => {
		const dir = await project({ "mgo.d12": deck("MgO bulk") });
		const run = await crystalTui(["run", "mgo.d12", "--no-tui"], {
			cwd: dir,
			env: { CRY23_EXEDIR: join(dir, "nowhere"), PATH: "/usr/bin:/bin" },
		});
		assert.equal(run.exitCode, 2);
		assert.match(run.stderr, /CRYSTAL not found: no executable crystalOMP/);
		assert.match(run.stderr, /CRY23_EXEDIR/);
		nothingStarted(dir, "mgo");
	});

	test("GUESSP without NAME.f9", async () => {
		const dir = await project({ "restart.d12": deck("MgO bulk", ["GUESSP"]) });
		const run = await crystalTui(["run", "restart.d12", "--no-tui"], { cwd: dir });
		assert.equal(run.exitCode, 2);
		assert.match(run.stderr, /GUESSP.*restart\.f9 is missing/);
		nothingStarted(dir, "restart");
	});

	test("EXTERNAL without NAME.gui", async () => {
		const dir = await project({ "ext.d12": deck("MgO bulk", [], "EXTERNAL") });
		const run = await crystalTui(["run", "ext.d12", "--no-tui"], { cwd: dir });
		assert.equal(run.exitCode, 2);
		assert.match(run.stderr, /EXTERNAL.*ext\.gui is missing/);
		nothingStarted(dir, "ext");
	});

	test("a job already running in that folder", async () => {
		const dir = await project({ "mgo.d12": deck("MgO bulk") });
		const first = crystalTui(["run", "mgo.d12", "--no-tui"], { cwd: dir, delay: 0.05 });
		// The job script writes its PID record, then starts NAME.out.
		await eventually(
			"the first run",
			() => existsSync(join(runDir(dir, "mgo"), "pid")) && existsSync(join(dir, "mgo.out")),
		);
		const before = await readFile(join(dir, "mgo.out"));
		const second = await crystalTui(["run", "mgo.d12", "--no-tui"], { cwd: dir });
		assert.equal(second.exitCode, 2);
		assert.match(second.stderr, /mgo is already running/);
		assert.ok(
			(await readFile(join(dir, "mgo.out"))).length >= before.length,
			"the running job's output is untouched",
		);
		await crystalTui(["stop", "mgo", "--force"], { cwd: dir });
		await first;
	});

	test("one bad deck among several starts none of them", async () => {
		const dir = await project({ "good.d12": deck("MgO bulk"), "bad.d12": deck("MgO bulk", ["GUESSP"]) });
		const run = await crystalTui(["run", "good.d12", "bad.d12", "--no-tui"], { cwd: dir });
		assert.equal(run.exitCode, 2);
		nothingStarted(dir, "good");
	});
});

describe("queue", () => {
	test("--max-jobs 1 runs one job at a time, in order", async () => {
		const dir = await project({ "a.d12": deck("MgO bulk"), "b.d12": deck("MgO bulk") });
		const run = await crystalTui(["run", "a.d12", "b.d12", "--no-tui", "--max-jobs", "1"], {
			cwd: dir,
			delay: 0.002,
		});
		assert.equal(run.exitCode, 0, run.all);
		const record = async (name: string) => {
			const text = await readFile(join(runDir(dir, name), "exit"), "utf8");
			return Object.fromEntries(
				text
					.trim()
					.split("\n")
					.map((l) => l.split("=")),
			);
		};
		const a = await record("a");
		const b = await record("b");
		assert.ok(Number(b.started) >= Number(a.ended), "b started after a ended");
	});
});

describe("exit status of run --no-tui", () => {
	test("an SCF that does not converge makes the run fail, and says so", async () => {
		const dir = await project({ "fail.d12": deck("FAIL SCF not converged") });
		const run = await crystalTui(["run", "fail.d12", "--no-tui"], { cwd: dir });
		assert.equal(run.exitCode, 1, run.all);
		assert.match(run.all ?? "", /\[fail\] FAILED: .*SCF NOT converged/);
	});
});

describe("the terminal goes away", () => {
	test("a hang-up (dropped SSH connection, closed tmux) kills crystal-tui but not the job", async (t) => {
		const tmux = await execa("tmux", ["-V"], { reject: false });
		if (tmux.exitCode !== 0) {
			t.skip("skipped: tmux is not installed");
			return;
		}
		const dir = await project({ "mgo.d12": deck("MgO bulk") });
		const socket = `ct-hup-${process.pid}`;
		const command = [cliPath, "run", "mgo.d12", "--no-tui"].map((a) => `'${a}'`).join(" ");
		await execa("tmux", [
			"-L",
			socket,
			"-f",
			"/dev/null",
			"new-session",
			"-d",
			"-x",
			"100",
			"-y",
			"30",
			"-c",
			dir,
			`env CRYSTAL_MOCK_DELAY=0.05 CRY23_EXEDIR='${mockBin}' ${command}`,
		]);
		const pgid = await eventually("the job's PID record", async () =>
			existsSync(join(runDir(dir, "mgo"), "pid")) ? readPid(dir, "mgo") : false,
		);
		await execa("tmux", ["-L", socket, "kill-server"], { reject: false });
		await sleep(300);
		assert.ok((await groupMembers(pgid)).length > 0, "the job still runs after the hang-up");
		const watch = await crystalTui([], { cwd: dir, delay: 0.05 });
		assert.equal(watch.exitCode, 0, watch.all);
		assert.match(await readFile(join(dir, "mgo.out"), "utf8"), /EEEEEEEEEE TERMINATION/);
	});
});

describe("an optimisation followed by a frequency run on its geometry", () => {
	test("--after runs the second once the first has finished, on the optimised structure", async () => {
		const dir = await project({
			"opt.d12": deck("Quartz optimisation", ["OPTGEOM"]),
			// Reads its geometry with EXTERNAL and has no freq.gui of its own.
			"freq.d12": deck("Silicon phonons", ["FREQCALC"], "EXTERNAL"),
		});
		const refused = await crystalTui(["run", "freq.d12", "--no-tui"], { cwd: dir });
		assert.equal(refused.exitCode, 2, "alone, the frequency deck has no geometry");

		const run = await crystalTui(
			["run", "freq.d12", "opt.d12", "--after", "opt", "--no-tui", "--keep-scratch"],
			{
				cwd: dir,
			},
		);
		assert.equal(run.exitCode, 0, run.all);
		const exit = async (name: string) =>
			Object.fromEntries(
				(await readFile(join(runDir(dir, name), "exit"), "utf8"))
					.trim()
					.split("\n")
					.map((l) => l.split("=")),
			);
		assert.ok(
			Number((await exit("freq")).started) >= Number((await exit("opt")).ended),
			"freq waited for opt",
		);
		const scratch = await scratchOf(dir, "freq");
		assert.deepEqual(await readFile(join(scratch, "fort.34")), await readFile(join(dir, "opt.gui")));
		assert.ok(existsSync(join(dir, "freq.freqinfo")));
	});

	test("a failed first job cancels the second, which never starts", async () => {
		const dir = await project({
			"opt.d12": deck("Quartz OPT NOT CONVERGED", ["OPTGEOM"]),
			"freq.d12": deck("Silicon phonons", ["FREQCALC"], "EXTERNAL"),
		});
		const run = await crystalTui(["run", "opt.d12", "freq.d12", "--after", "opt", "--no-tui"], { cwd: dir });
		assert.equal(run.exitCode, 1, run.all);
		assert.match(run.all ?? "", /\[freq\] cancelled: a job it depends on failed/);
		assert.ok(!existsSync(join(runDir(dir, "freq"), "pid")), "the frequency job never ran");
	});
});
