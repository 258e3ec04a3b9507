/**
 * Runs that heal on remote machines, through the real binary: over SSH (the loopback sshd, the
 * policy from the host's entry) and on the loopback SLURM cluster, where SLURM itself stops an
 * optimisation at its time limit and the resubmitted attempt continues from OPTINFO.DAT.
 */
import assert from "node:assert/strict";
import { cpSync, readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, test } from "node:test";
import {
	loopbackHostEntry,
	loopbackSlurm,
	loopbackSshd,
	mockCrystalBin,
	requireOrSkip,
	sharedTempDir,
} from "../helpers/infra.js";
import { crystalTui } from "../helpers/project.js";

const env = process.env;
const toml = (value: string) => JSON.stringify(value);
const root = join(import.meta.dirname, "..", "..");
const demo = (name: string) => readFileSync(join(root, "fixtures", "demo", name), "utf8");
const retitled = (deck: string, title: string) => `${title}\n${deck.slice(deck.indexOf("\n") + 1)}`;

/** The whole mock (its catalogue and outputs too) where the remote user and slurmd reach it. */
function sharedMock(): string {
	const mock = sharedTempDir("ct-heal-mock-");
	cpSync(join(mockCrystalBin, ".."), mock, { recursive: true });
	return join(mock, "bin");
}

interface Row {
	id: string;
	state: string;
	runner: string;
	attempts: { attempt: number; summary: string; outcome: string | null; deck: string }[];
}

async function row(dir: string, id: string): Promise<Row> {
	const r = await crystalTui(["status", "--json"], { cwd: dir });
	assert.equal(r.exitCode, 0, r.all);
	return (JSON.parse(r.stdout) as Row[]).find((x) => x.id === id) as Row;
}

describe("recovery over SSH", { skip: requireOrSkip(loopbackSshd), timeout: 180_000 }, () => {
	test("the unconverged metal heals on the host, recover = auto from its [hosts] entry", async () => {
		const dir = sharedTempDir("ct-heal-ssh-");
		await writeFile(join(dir, "al.d12"), demo("al-unconverged.d12"));
		await writeFile(
			join(dir, "crystal-tui.toml"),
			`${loopbackHostEntry("loop")}remote_root = ${toml(`crystal-tui-heal-${process.pid}`)}
crystal_dir = ${toml(sharedMock())}
env = { CRYSTAL_MOCK_DELAY = "0.002" }
recover = "auto"
`,
		);
		const run = await crystalTui(["run", "al.d12", "--host", "loop", "--no-tui"], { cwd: dir });
		assert.equal(run.exitCode, 0, run.all);
		assert.match(run.stdout, /\[al\] recovering: attempt 2: SMEAR 0\.005 added, GUESSP from attempt 1/);
		const r = await row(dir, "al");
		assert.deepEqual([r.state, r.runner], ["finished", "ssh"]);
		assert.deepEqual(
			r.attempts.map((a) => a.outcome),
			["failed: SCF did not converge", "finished"],
		);
		// The output brought back is the healed attempt's; the first is kept beside its deck.
		assert.match(readFileSync(join(dir, "al.out"), "utf8"), /SCF ENDED - CONVERGENCE ON ENERGY/);
		assert.match(
			readFileSync(join(dir, ".crystal-tui/runs/al/attempt-1/al.out"), "utf8"),
			/SCF ENDED - TOO MANY CYCLES/,
		);
	});
});

describe("recovery on SLURM", { skip: requireOrSkip(loopbackSlurm), timeout: 420_000 }, () => {
	test("an optimisation stopped by SLURM at its time limit is resubmitted and continues from OPTINFO.DAT", async () => {
		const dir = sharedTempDir("ct-heal-slurm-");
		await writeFile(join(dir, "opt.d12"), retitled(demo("quartz-opt.d12"), "MgO slow opt"));
		// Points of 25 s under a 1-minute limit (SLURM's shortest): point 3 is cut by SLURM.
		await writeFile(
			join(dir, "crystal-tui.toml"),
			`[clusters.loop]
partition = ${toml(env.TEST_SLURM_PARTITION ?? "")}
crystal_dir = ${toml(sharedMock())}
poll_interval_seconds = 1
time = "1"
env = { CRYSTAL_MOCK_DELAY = "0.002", CRYSTAL_MOCK_POINT_SECONDS = "25" }
recover = "auto"
`,
		);
		const run = await crystalTui(["run", "opt.d12", "--host", "loop", "--no-tui"], { cwd: dir });
		assert.equal(run.exitCode, 0, run.all);
		assert.match(run.stdout, /\[opt\] recovering: attempt 2: RESTART from attempt 1's OPTINFO\.DAT/);
		const r = await row(dir, "opt");
		assert.deepEqual([r.state, r.runner], ["finished", "slurm"]);
		assert.match(r.attempts[0]?.outcome ?? "", /^failed: TIMEOUT/);
		assert.equal(r.attempts[1]?.outcome, "finished");
		const deck = readFileSync(join(dir, r.attempts[1]?.deck ?? "-"), "utf8");
		assert.match(deck, /RESTART/);
		// Where SLURM stopped it decides: in the middle of a point's SCF, the fort.9 left belongs to
		// the point before and is not read; after that SCF ended, it is the right start.
		const why = JSON.stringify(r.attempts[1]);
		if (/stopped in the middle of an SCF/.test(why)) {
			assert.doesNotMatch(deck, /GUESSP/, "the fort.9 of a point cut short is not read");
		} else {
			assert.match(deck, /GUESSP/, "the wave function of the last finished SCF is read");
			assert.match(why, /starts from the wave function attempt 1 ended with/);
		}
		assert.match(readFileSync(join(dir, "opt.out"), "utf8"), /OPT END - CONVERGED/);
	});
});
