/**
 * Runs that heal themselves, through the real binary: the supervisor applies the recovery
 * ladders (recover = auto) with or without a client, each attempt in its own deck and output
 * in the run folder, the user's deck untouched until `recover accept`.
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, it } from "node:test";
import { execa } from "execa";
import {
	cliPath,
	crystalTui,
	mockBin,
	projectsOfThisFile,
	sleep,
	supervisorEnv,
} from "../helpers/project.js";

const root = join(import.meta.dirname, "..", "..");
const demo = (name: string) => readFileSync(join(root, "fixtures", "demo", name), "utf8");
const retitled = (deck: string, title: string) => `${title}\n${deck.slice(deck.indexOf("\n") + 1)}`;

const project = projectsOfThisFile();

interface Attempt {
	attempt: number;
	summary: string;
	reason: string;
	diff: string;
	deck: string;
	output: string | null;
	outcome: string | null;
}

interface Row {
	id: string;
	state: string;
	detail: string | null;
	recover: string;
	maxAttempts: number | null;
	attempts: Attempt[];
	gaveUp: string | null;
	proposal: Attempt | null;
}

async function status(dir: string): Promise<Row[]> {
	const r = await crystalTui(["status", "--json"], { cwd: dir });
	assert.equal(r.exitCode, 0, r.all);
	return JSON.parse(r.stdout) as Row[];
}

async function row(dir: string, id: string, want: (r: Row) => boolean, timeoutMs = 60_000): Promise<Row> {
	const deadline = Date.now() + timeoutMs;
	let last: Row | undefined;
	while (Date.now() < deadline) {
		last = (await status(dir)).find((r) => r.id === id);
		if (last && want(last)) return last;
		await sleep(300);
	}
	assert.fail(`${id} did not reach the state wanted: ${JSON.stringify(last)}`);
}

const ended = (r: Row) => r.state === "finished" || r.state === "failed";

describe("recovery through the supervisor", { timeout: 180_000 }, () => {
	it("refuses a recover policy it does not know, naming the flag or the key", async () => {
		const dir = await project({ "mgo.d12": demo("mgo.d12") });
		const flag = await crystalTui(["run", "mgo.d12", "--recover", "sometimes", "--no-tui"], { cwd: dir });
		assert.equal(flag.exitCode, 2);
		assert.match(flag.stderr, /--recover sometimes: expected one of off, ask, auto/);
		await writeFile(join(dir, "crystal-tui.toml"), '[defaults]\nrecover = "always"\n');
		const key = await crystalTui(["run", "mgo.d12", "--no-tui"], { cwd: dir });
		assert.equal(key.exitCode, 2);
		assert.match(key.stderr, /crystal-tui\.toml: defaults\.recover/);
		assert.ok(!existsSync(join(dir, "mgo.out")), "nothing started");
	});

	it("heals the demo's unconverged metal under run --recover auto --no-tui, the user's deck untouched", async () => {
		const written = demo("al-unconverged.d12");
		const dir = await project({ "al.d12": written });
		const run = await crystalTui(["run", "al.d12", "--recover", "auto", "--no-tui"], { cwd: dir });
		assert.equal(run.exitCode, 0, run.all);
		assert.match(run.stdout, /\[al\] FAILED: .*SCF NOT converged/);
		assert.match(run.stdout, /\[al\] recovering: attempt 2: SMEAR 0\.005 added, GUESSP from attempt 1\n/);
		assert.match(run.stdout, /\[al\] done: .*SCF converged/);
		const r = (await status(dir)).find((x) => x.id === "al") as Row;
		assert.equal(r.state, "finished");
		assert.equal(r.recover, "auto");
		assert.deepEqual(
			r.attempts.map((a) => [a.attempt, a.outcome]),
			[
				[1, "failed: SCF did not converge"],
				[2, "finished"],
			],
		);
		const second = r.attempts[1] as Attempt;
		assert.match(second.reason, /metal/);
		assert.match(second.diff, /\+SMEAR\n\+0\.005\n\+GUESSP\n/);
		assert.equal(second.deck, ".crystal-tui/runs/al/attempt-2/al.d12");
		assert.match(readFileSync(join(dir, second.deck), "utf8"), /SMEAR\n0\.005\nGUESSP\nEND\n$/);
		assert.equal(readFileSync(join(dir, "al.d12"), "utf8"), written, "NAME.d12 is never edited in place");
		// Every attempt's output kept beside its deck; NAME.out is the latest.
		const first = readFileSync(join(dir, r.attempts[0]?.output ?? "-"), "utf8");
		assert.match(first, /SCF ENDED - TOO MANY CYCLES/);
		const latest = readFileSync(join(dir, "al.out"), "utf8");
		assert.equal(readFileSync(join(dir, second.output ?? "-"), "utf8"), latest);
		assert.match(latest, /SCF ENDED - CONVERGENCE ON ENERGY/);
		assert.doesNotMatch(latest, /TOO MANY CYCLES/);

		const accept = await crystalTui(["recover", "accept", "al"], { cwd: dir });
		assert.equal(accept.exitCode, 0, accept.all);
		assert.match(accept.stdout, /SMEAR 0\.005 added/);
		assert.equal(readFileSync(join(dir, "al.d12.bak"), "utf8"), written);
		const accepted = readFileSync(join(dir, "al.d12"), "utf8");
		assert.match(accepted, /FMIXING\n30\nSMEAR\n0\.005\nEND\n$/);
		assert.doesNotMatch(accepted, /GUESSP/, "GUESSP read attempt 1's wave function: not for the deck");
		const twice = await crystalTui(["recover", "accept", "al"], { cwd: dir });
		assert.equal(twice.exitCode, 2);
		assert.match(twice.stderr, /already holds SMEAR 0\.005 added/);
		assert.equal(
			readFileSync(join(dir, "al.d12.bak"), "utf8"),
			written,
			"the backup is still the deck as written",
		);
	});

	it("takes the policy from [defaults] and stops at max_attempts, saying what was tried", async () => {
		const dir = await project({ "mgo.d12": retitled(demo("mgo.d12"), "MgO SCF oscillating") });
		await writeFile(join(dir, "crystal-tui.toml"), '[defaults]\nrecover = "auto"\nmax_attempts = 2\n');
		const run = await crystalTui(["run", "mgo.d12", "--no-tui"], { cwd: dir });
		assert.equal(run.exitCode, 1, run.all);
		const r = (await status(dir)).find((x) => x.id === "mgo") as Row;
		assert.equal(r.state, "failed");
		assert.equal(r.maxAttempts, 2);
		assert.deepEqual(
			r.attempts.map((a) => a.summary),
			["attempt 1: the deck as written", "attempt 2: FMIXING 30 (default) -> 60, GUESSP from attempt 1"],
		);
		assert.match(r.attempts[1]?.outcome ?? "", /^failed/);
		assert.match(r.gaveUp ?? "", /^gave up after 2 attempts \(max_attempts 2\).*tried: attempt 2: FMIXING/);
		assert.match(r.detail ?? "", /gave up after 2 attempts/);
		assert.ok(!existsSync(join(dir, ".crystal-tui", "runs", "mgo", "attempt-3")), "no third attempt");
		const accept = await crystalTui(["recover", "accept", "mgo"], { cwd: dir });
		assert.equal(accept.exitCode, 2);
		assert.match(accept.stderr, /no attempt of mgo has finished well yet/);
	});

	it("stops at once on a failure no edit fixes, and explains", async () => {
		const dir = await project({ "lin.d12": retitled(demo("mgo.d12"), "MgO basis linearly dependent") });
		const run = await crystalTui(["run", "lin.d12", "--recover", "auto", "--no-tui"], { cwd: dir });
		assert.equal(run.exitCode, 1, run.all);
		assert.doesNotMatch(run.stdout, /recovering/);
		const r = (await status(dir)).find((x) => x.id === "lin") as Row;
		assert.equal(r.state, "failed");
		assert.equal(r.attempts.length, 1);
		assert.match(r.gaveUp ?? "", /no edit of the deck fixes this.*linearly dependent/);
	});

	it("heals with no client: the client SIGKILLed while attempt 1 runs", async () => {
		const dir = await project({ "al.d12": demo("al-unconverged.d12") });
		const client = execa(cliPath, ["run", "al.d12", "--recover", "auto", "--no-tui"], {
			cwd: dir,
			reject: false,
			stdin: "ignore",
			env: { CRYSTAL_MOCK_DELAY: "0.02", CRY23_EXEDIR: mockBin, NO_COLOR: "1", ...supervisorEnv },
		});
		for (let i = 0; i < 100 && !existsSync(join(dir, "al.out")); i++) await sleep(100);
		client.kill("SIGKILL");
		await client;
		const r = await row(dir, "al", (x) => ended(x) && x.attempts.length === 2, 120_000);
		assert.equal(r.state, "finished");
		assert.equal(r.attempts[1]?.outcome, "finished");
	});

	it("ask: proposes the change and waits; recover apply runs it and the run heals", async () => {
		const dir = await project({ "al.d12": demo("al-unconverged.d12") });
		const run = await crystalTui(["run", "al.d12", "--recover", "ask", "--no-tui"], { cwd: dir });
		assert.equal(run.exitCode, 1, run.all);
		const failed = (await status(dir)).find((x) => x.id === "al") as Row;
		assert.equal(failed.state, "failed");
		assert.equal(failed.proposal?.summary, "attempt 2: SMEAR 0.005 added, GUESSP from attempt 1");
		assert.match(failed.proposal?.diff ?? "", /\+SMEAR/);
		assert.match(failed.detail ?? "", /proposed attempt 2: SMEAR 0\.005 added.*crystal-tui recover apply al/);
		assert.equal(failed.attempts.length, 1, "nothing run before it is applied");
		const apply = await crystalTui(["recover", "apply", "al"], { cwd: dir });
		assert.equal(apply.exitCode, 0, apply.all);
		assert.match(apply.stdout, /al: attempt 2: SMEAR 0\.005 added/);
		const healed = await row(dir, "al", (x) => ended(x) && x.attempts.length === 2);
		assert.equal(healed.state, "finished");
		assert.equal(healed.proposal, null);
		const again = await crystalTui(["recover", "apply", "al"], { cwd: dir });
		assert.equal(again.exitCode, 2);
		assert.match(again.stderr, /al has no proposed change to apply/);
	});

	it("flags a run with no new output for frozen_minutes, and leaves it running", async () => {
		const dir = await project({ "slow.d12": demo("mgo.d12") });
		await writeFile(join(dir, "crystal-tui.toml"), "[defaults]\nfrozen_minutes = 0.05\n");
		// Eight seconds between two lines of output: quiet for longer than frozen_minutes (3 s).
		const client = execa(cliPath, ["run", "slow.d12", "--no-tui"], {
			cwd: dir,
			reject: false,
			stdin: "ignore",
			env: { CRYSTAL_MOCK_DELAY: "8", CRY23_EXEDIR: mockBin, NO_COLOR: "1", ...supervisorEnv },
		});
		const frozen = await row(dir, "slow", (x) => (x as Row & { frozen: boolean }).frozen, 30_000);
		assert.equal(frozen.state, "running", "never acted on");
		assert.match(
			frozen.detail ?? "",
			/^frozen\? no new output for 0 min \d+ s while the job still runs \(frozen_minutes 0\.05\)/,
		);
		client.kill("SIGKILL");
		await client;
	});

	it("with recover = off, a failed run stays as it failed", async () => {
		const dir = await project({ "al.d12": demo("al-unconverged.d12") });
		const run = await crystalTui(["run", "al.d12", "--no-tui"], { cwd: dir });
		assert.equal(run.exitCode, 1, run.all);
		const r = (await status(dir)).find((x) => x.id === "al") as Row;
		assert.equal(r.recover, "off");
		assert.deepEqual(r.attempts, []);
		assert.ok(!existsSync(join(dir, ".crystal-tui", "runs", "al", "attempt-2")));
	});
});
