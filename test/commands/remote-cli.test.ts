/**
 * Remote runs as a user starts them: hosts and clusters in crystal-tui.toml, `--host NAME` on
 * the command line, the real binary, the loopback sshd and SLURM cluster.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { cpSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import {
	copyMockCrystal,
	describe,
	loopbackClusterEntry,
	loopbackHostEntry,
	loopbackSlurm,
	loopbackSshd,
	mockCrystalBin,
	requireOrSkip,
	sharedTempDir,
	test,
} from "../helpers/infra.js";
import { crystalTui, deck, eventually } from "../helpers/project.js";

const toml = (value: string) => JSON.stringify(value);
/** The energy on the output's SCF ENDED line, as a number. */
const scfEnergy = (out: string) =>
	Number(/SCF ENDED - CONVERGENCE ON ENERGY\s+E\(AU\)\s+(\S+)/.exec(out)?.[1]);

describe("crystal-tui run --host on a SLURM cluster from crystal-tui.toml", {
	skip: requireOrSkip(loopbackSlurm),
}, () => {
	test("submits, prints the output as it comes, and status shows the result", async () => {
		const dir = sharedTempDir("ct-cli-slurm-");
		const bin = copyMockCrystal(sharedTempDir("ct-cli-bin-"));
		await writeFile(join(dir, "mgo.d12"), deck("MgO bulk"));
		await writeFile(join(dir, "crystal-tui.toml"), loopbackClusterEntry("loop", bin));
		const run = await crystalTui(["run", "mgo.d12", "--host", "loop", "--no-tui"], { cwd: dir });
		assert.equal(run.exitCode, 0, run.all);
		assert.match(run.stdout, /\[mgo\] +== SCF ENDED - CONVERGENCE ON ENERGY/);
		const out = await readFile(join(dir, "mgo.out"), "utf8");
		assert.match(out, /EEEEEEEEEE TERMINATION/);
		assert.ok(
			run.stdout.includes(`[mgo] done: E = ${scfEnergy(out)} Ha, SCF converged`),
			run.stdout.slice(-300),
		);

		const status = await crystalTui(["status", "--json"], { cwd: dir });
		const [row] = JSON.parse(status.stdout) as { id: string; state: string; runner: string; host: string }[];
		assert.deepEqual([row?.id, row?.state, row?.runner, row?.host], ["mgo", "finished", "slurm", "loop"]);
	});

	test("--after chains an optimisation and a frequency run on its geometry with afterok", async () => {
		const dir = sharedTempDir("ct-cli-slurm-");
		// The whole mock (with its outputs) in a folder slurmd reaches: an optimisation replays one.
		const mock = sharedTempDir("ct-cli-mock-");
		cpSync(join(mockCrystalBin, ".."), mock, { recursive: true });
		await writeFile(join(dir, "opt.d12"), deck("Quartz optimisation", ["OPTGEOM"]));
		await writeFile(join(dir, "freq.d12"), deck("Silicon phonons", ["FREQCALC"], "EXTERNAL"));
		await writeFile(join(dir, "crystal-tui.toml"), loopbackClusterEntry("loop", join(mock, "bin")));
		const run = await crystalTui(
			["run", "opt.d12", "freq.d12", "--after", "opt", "--host", "loop", "--no-tui"],
			{
				cwd: dir,
			},
		);
		assert.equal(run.exitCode, 0, run.all);
		const job = async (name: string) =>
			(await readFile(join(dir, ".crystal-tui", "runs", name, "job.sh"), "utf8")).includes(
				"stage_in opt.gui fort.34",
			);
		assert.ok(await job("freq"), "the frequency job stages the optimised geometry");
		assert.match(await readFile(join(dir, "freq.out"), "utf8"), /EEEEEEEEEE TERMINATION/);
		assert.ok((await readFile(join(dir, "opt.gui"))).length > 0);
	});

	test("a job cancelled with scancel from another shell is cancelled, not failed", async () => {
		const dir = sharedTempDir("ct-cli-slurm-");
		const bin = copyMockCrystal(sharedTempDir("ct-cli-bin-"));
		await writeFile(join(dir, "mgo.d12"), deck("MgO bulk"));
		await writeFile(join(dir, "crystal-tui.toml"), loopbackClusterEntry("loop", bin, "0.5"));
		const running = crystalTui(["run", "mgo.d12", "--host", "loop", "--no-tui"], { cwd: dir });
		let slurmId = "";
		await eventually(
			"the job running on SLURM",
			async () => {
				const status = await crystalTui(["status", "--json"], { cwd: dir });
				const [row] = JSON.parse(status.stdout || "[]") as { state: string; slurmJobId?: string }[];
				const id = (
					await readFile(join(dir, ".crystal-tui", "runs", "mgo", "slurm-id"), "utf8").catch(() => "")
				).trim();
				slurmId = id;
				return row?.state === "running" && /^\d+$/.test(id);
			},
			60_000,
		);
		execFileSync("scancel", [slurmId]);
		const run = await running;
		assert.equal(run.exitCode, 3, `stopped, not failed: ${run.all}`);
		assert.match(
			run.stdout,
			/^\[mgo\] cancelled: cancelled outside crystal-tui \(cancelled/m,
			run.stdout.slice(-400),
		);
		const status = await crystalTui(["status", "--json"], { cwd: dir });
		const [row] = JSON.parse(status.stdout) as { state: string }[];
		assert.equal(row?.state, "cancelled");
	});

	test("a host that is not in the configuration is refused, naming what is there", async () => {
		const dir = sharedTempDir("ct-cli-slurm-");
		await writeFile(join(dir, "mgo.d12"), deck("MgO bulk"));
		await writeFile(join(dir, "crystal-tui.toml"), `[clusters.loop]\npartition = "debug"\n`);
		const run = await crystalTui(["run", "mgo.d12", "--runner", "slurm", "--host", "elsewhere", "--no-tui"], {
			cwd: dir,
		});
		assert.equal(run.exitCode, 2);
		assert.match(run.stderr, /no \[clusters\.elsewhere\].*known clusters: loop/);
	});
});

describe("crystal-tui run --host over SSH from crystal-tui.toml", {
	skip: requireOrSkip(loopbackSshd),
}, () => {
	test("runs on the host as the remote user and brings NAME.out and NAME.f9 back", async () => {
		const dir = sharedTempDir("ct-cli-ssh-");
		// A folder the test user can read: the remote side runs the mock from there.
		const bin = copyMockCrystal(sharedTempDir("ct-cli-bin-"));
		await writeFile(join(dir, "mgo.d12"), deck("MgO bulk"));
		await writeFile(
			join(dir, "crystal-tui.toml"),
			`${loopbackHostEntry("loop")}remote_root = ${toml(`crystal-tui-cli-${process.pid}`)}
crystal_dir = ${toml(bin)}
env = { CRYSTAL_MOCK_DELAY = "0.002" }
`,
		);
		const run = await crystalTui(["run", "mgo.d12", "--host", "loop", "--no-tui"], { cwd: dir });
		assert.equal(run.exitCode, 0, run.all);
		const out = await readFile(join(dir, "mgo.out"), "utf8");
		assert.match(out, /EEEEEEEEEE TERMINATION/);
		assert.ok(run.stdout.includes(`[mgo] done: E = ${scfEnergy(out)} Ha`), run.stdout.slice(-300));
		// Every line printed is a line of the output brought back, once and in order.
		const printed = run.stdout
			.split("\n")
			.filter((l) => l.startsWith("[mgo] ") && !/^\[mgo\] (done|FAILED):/.test(l))
			.map((l) => l.slice(6));
		assert.deepEqual(printed, out.replace(/\n$/, "").split("\n"));
		assert.ok((await readFile(join(dir, "mgo.f9"))).length > 0, "the wave function came back");
	});
});
