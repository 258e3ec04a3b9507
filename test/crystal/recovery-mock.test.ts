/**
 * Recovery end to end on the mock CRYSTAL, run as a real process: each attempt runs in its own
 * job folder, files staged in and out by the staging table, the restart files nextAttempt names
 * copied from the failed attempt's folder, until the run converges or nextAttempt gives up. This
 * is the loop the supervisor's recovery step runs; here it shows that the ladders reach decks
 * that CRYSTAL (as the mock answers) converges, within the cap.
 */
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { editDeck } from "../../source/crystal/deck/edit.js";
import { readDeck } from "../../source/crystal/deck/read.js";
import { failureFacts } from "../../source/crystal/diagnosis/facts.js";
import {
	type AttemptRecord,
	type GaveUp,
	nextAttempt,
	type RestartFile,
} from "../../source/crystal/diagnosis/recovery.js";
import { CrystalParser } from "../../source/crystal/parser.js";
import type { CrystalResult } from "../../source/crystal/result.js";
import { stageIn, stageOut } from "../../source/crystal/staging.js";

const root = join(import.meta.dirname, "..", "..");
const mock = join(root, "fixtures", "bin", "crystalOMP");

const made: string[] = [];
after(() => {
	for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

function folder(): string {
	const dir = mkdtempSync(join(tmpdir(), "crystal-heal-"));
	made.push(dir);
	return dir;
}

function start(
	scratch: string,
	env: Record<string, string>,
): { child: ChildProcess; done: Promise<number | null> } {
	const child = spawn("/bin/sh", ["-c", 'exec "$0" < INPUT > stdout.txt 2> stderr.txt', mock], {
		cwd: scratch,
		detached: true,
		stdio: "ignore",
		env: { PATH: process.env.PATH ?? "/usr/bin:/bin", CRYSTAL_MOCK_DELAY: "0", ...env },
	});
	return { child, done: new Promise((resolve) => child.on("exit", (code) => resolve(code))) };
}

interface Attempt {
	deck: string;
	result: CrystalResult;
	output: string;
	record: AttemptRecord | null;
}

interface Options {
	maxAttempts?: number;
	env?: Record<string, string>;
	/** Stop the first attempt (as a time limit would) once its output shows this. */
	stopFirstAt?: string;
}

async function heal(
	name: string,
	deck: string,
	options: Options = {},
): Promise<{ attempts: Attempt[]; end: GaveUp }> {
	const attempts: Attempt[] = [];
	const records: AttemptRecord[] = [];
	let text = deck;
	let carry: RestartFile[] = [];
	let previous = "";
	for (;;) {
		const job = folder();
		const scratch = folder();
		writeFileSync(join(job, `${name}.d12`), text);
		for (const file of carry) copyFileSync(join(previous, file.file), join(job, file.file));
		for (const file of stageIn(name))
			if (existsSync(join(job, file.job))) copyFileSync(join(job, file.job), join(scratch, file.scratch));
		const run = start(scratch, options.env ?? {});
		const stopping = attempts.length === 0 && options.stopFirstAt !== undefined;
		if (stopping) {
			const out = () =>
				existsSync(join(scratch, "stdout.txt")) ? readFileSync(join(scratch, "stdout.txt"), "utf8") : "";
			const deadline = Date.now() + 20_000;
			while (!out().includes(options.stopFirstAt as string)) {
				assert.ok(Date.now() < deadline, `the first attempt shows ${options.stopFirstAt}`);
				await new Promise((r) => setTimeout(r, 20));
			}
			process.kill(-(run.child.pid as number), "SIGTERM");
		}
		await run.done;
		for (const file of stageOut(name, readDeck(text).kind === "optgeom"))
			if (existsSync(join(scratch, file.scratch)))
				copyFileSync(join(scratch, file.scratch), join(job, file.job));
		const output = readFileSync(join(scratch, "stdout.txt"), "utf8");
		const parser = new CrystalParser();
		parser.feed(output);
		parser.end();
		const result = parser.result();
		const facts = failureFacts(result, parser.progress(), {
			timeLimit: stopping,
			left: {
				waveFunction: existsSync(join(scratch, "fort.9")),
				optinfo: existsSync(join(scratch, "OPTINFO.DAT")),
				hessopt: existsSync(join(scratch, "HESSOPT.DAT")),
			},
			outputTail: output.slice(-65536),
		});
		const next = nextAttempt(facts, records, text, { name, maxAttempts: options.maxAttempts });
		attempts.push({ deck: text, result, output, record: records.at(-1) ?? null });
		if (next.gaveUp) return { attempts, end: next };
		records.push(next.record);
		text = next.deckText;
		carry = next.restartFiles;
		previous = job;
	}
}

const demo = (name: string) => readFileSync(join(root, "fixtures", "demo", name), "utf8");
const retitled = (deck: string, title: string) => `${title}\n${deck.slice(deck.indexOf("\n") + 1)}`;
const summaries = (attempts: Attempt[]) => attempts.flatMap((a) => (a.record ? [a.record.summary] : []));

describe("runs that heal", () => {
	test("the demo's unconverged aluminium converges at attempt 2, with SMEAR from its own wave function", async () => {
		const { attempts, end } = await heal("al-unconverged", demo("al-unconverged.d12"));
		assert.equal(attempts.length, 2);
		assert.equal(attempts[0]?.result.scfConverged, false);
		assert.equal(attempts[1]?.result.scfConverged, true);
		assert.deepEqual(summaries(attempts), ["attempt 2: SMEAR 0.005 added, GUESSP from attempt 1"]);
		assert.match(end.why, /nothing to recover/);
	});

	test("an oscillating insulator: FMIXING 60 is not enough, LEVSHIFT on top of it converges, at the cap", async () => {
		const { attempts } = await heal("mgo", retitled(demo("mgo.d12"), "MgO SCF oscillating"));
		assert.deepEqual(
			attempts.map((a) => a.result.scfConverged),
			[false, false, true],
		);
		assert.deepEqual(summaries(attempts), [
			"attempt 2: FMIXING 30 (default) -> 60, GUESSP from attempt 1",
			"attempt 3: LEVSHIFT 5 1 added, GUESSP from attempt 2",
		]);
		assert.match(attempts[2]?.deck ?? "", /FMIXING\n60\n(.*\n)*LEVSHIFT\n5 1\n/);
	});

	test("a slow SCF gets more cycles and starts from where it stopped", async () => {
		const slow = editDeck(retitled(demo("mgo.d12"), "MgO SCF slow"), [
			{ action: "set", keyword: "MAXCYCLE", value: ["30"] },
		]).text;
		const { attempts } = await heal("mgo", slow);
		assert.deepEqual(summaries(attempts), ["attempt 2: MAXCYCLE 30 -> 100, GUESSP from attempt 1"]);
		assert.equal(attempts[1]?.result.scfConverged, true);
		assert.ok((attempts[1]?.result.scfCycles ?? 99) < 30, "fewer cycles than the first attempt ran");
	});

	test("an optimisation out of steps continues from its OPTINFO.DAT and converges", async () => {
		const opt = retitled(demo("quartz-opt.d12"), "MgO opt not converged");
		const { attempts } = await heal("opt", opt);
		assert.equal(attempts.length, 2);
		assert.equal(attempts[0]?.result.optConverged, false);
		assert.equal(attempts[1]?.result.optConverged, true);
		assert.match(attempts[1]?.output ?? "", /OPTIMIZATION - POINT {4}5\n/);
		assert.equal(attempts[1]?.result.optCycles, 6);
	});

	test("an optimisation stopped at its time limit mid-point restarts from OPTINFO.DAT without GUESSP", async () => {
		const slow = retitled(demo("quartz-opt.d12"), "MgO slow opt");
		const { attempts } = await heal("slow", slow, {
			env: { CRYSTAL_MOCK_POINT_SECONDS: "0.4" },
			stopFirstAt: "OPTIMIZATION - POINT    3",
		});
		assert.deepEqual(summaries(attempts), [
			"attempt 2: RESTART from attempt 1's OPTINFO.DAT and HESSOPT.DAT",
		]);
		assert.doesNotMatch(attempts[1]?.deck ?? "", /GUESSP/);
		assert.match(attempts[1]?.output ?? "", /OPTIMIZATION - POINT {4}3\n/);
		assert.equal(attempts[1]?.result.optConverged, true);
	});
});

describe("runs that do not heal", () => {
	test("the cap: an oscillating insulator with max_attempts 2 gives up after one edit, and says what was tried", async () => {
		const { attempts, end } = await heal("mgo", retitled(demo("mgo.d12"), "MgO SCF oscillating"), {
			maxAttempts: 2,
		});
		assert.equal(attempts.length, 2);
		assert.match(
			end.why,
			/^gave up after 2 attempts \(max_attempts 2\).*tried: attempt 2: FMIXING 30 \(default\) -> 60/,
		);
	});

	test("a linearly dependent basis stops after the first attempt and explains", async () => {
		const { attempts, end } = await heal("mgo", retitled(demo("mgo.d12"), "MgO basis linearly dependent"));
		assert.equal(attempts.length, 1);
		assert.match(end.why, /no edit of the deck fixes this.*linearly dependent/);
	});
});
