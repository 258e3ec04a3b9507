/**
 * The recovery ladders and nextAttempt, on the facts the parser gives for the failure outputs of
 * fixtures/outputs: which ladder a failure climbs, each rung on top of the previous, the restart
 * files, the record (sentence, reason, diff), the cap, and the stops no edit fixes.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { applyPatch } from "diff";
import { editDeck, keywordValue } from "../../source/crystal/deck/edit.js";
import { catalogue } from "../../source/crystal/diagnosis/catalogue.js";
import { type FailureFacts, failureFacts, type LeftFiles } from "../../source/crystal/diagnosis/facts.js";
import { ladderFor } from "../../source/crystal/diagnosis/ladders.js";
import {
	type AttemptRecord,
	type NextAttempt,
	nextAttempt,
	type PlannedAttempt,
} from "../../source/crystal/diagnosis/recovery.js";
import { CrystalParser } from "../../source/crystal/parser.js";

const root = join(import.meta.dirname, "..", "..");
const output = (name: string) => readFileSync(join(root, "fixtures", "outputs", name), "utf8");
const demo = (name: string) => readFileSync(join(root, "fixtures", "demo", name), "utf8");

const everything: LeftFiles = { waveFunction: true, optinfo: true, hessopt: true };

function factsOf(name: string, ending: { timeLimit?: boolean; left?: LeftFiles } = {}): FailureFacts {
	const text = output(name);
	const parser = new CrystalParser();
	parser.feed(text);
	parser.end();
	return failureFacts(parser.result(), parser.progress(), {
		timeLimit: ending.timeLimit ?? false,
		left: ending.left ?? everything,
		outputTail: text.slice(-65536),
	});
}

function planned(next: NextAttempt): PlannedAttempt {
	if (next.gaveUp) assert.fail(`gave up: ${next.why}`);
	return next;
}

/** Climbs a ladder on the same failure, each attempt's deck the next one's input. */
function climb(
	facts: FailureFacts,
	deck: string,
	maxAttempts: number,
): { records: AttemptRecord[]; end: NextAttempt } {
	const records: AttemptRecord[] = [];
	let text = deck;
	for (;;) {
		const next = nextAttempt(facts, records, text, { maxAttempts, name: "x" });
		if (next.gaveUp) return { records, end: next };
		records.push(next.record);
		text = next.deckText;
	}
}

/** An insulator's SCF that swings: the MgO demo deck, with the oscillating trend of a real failure. */
const swingingInsulator = (): FailureFacts => ({
	...factsOf("failures/scf-too-many-cycles.out"),
	metallic: false,
});

describe("which ladder a failure climbs", () => {
	test("every catalogue entry says what answers it", () => {
		for (const entry of catalogue)
			assert.match(entry.recovery, /^(scf|optimisation|time-limit|stop|none)$/, entry.id);
	});

	test("the aluminium that swings is a metal: SMEAR first, with the SHRINK caveat", () => {
		const facts = factsOf("failures/scf-too-many-cycles.out");
		assert.equal(facts.metallic, true, "its last cycle printed POSSIBLY CONDUCTING STATE");
		const next = planned(nextAttempt(facts, [], demo("al-unconverged.d12"), { name: "al" }));
		assert.equal(next.summary, "attempt 2: SMEAR 0.005 added, GUESSP from attempt 1");
		assert.deepEqual(next.restartFiles, [{ file: "al.f9", stagedAs: "fort.20", fromAttempt: 1 }]);
		assert.match(next.notes.join(), /denser k-point net.*SHRINK/);
		assert.match(next.reason, /metal.*smearing.*al\.f9 as fort\.20/);
	});

	test("an insulator that swings is damped, then level-shifted, then given another mixer, then given up", () => {
		const { records, end } = climb(swingingInsulator(), demo("mgo.d12"), 10);
		assert.deepEqual(
			records.map((r) => r.summary),
			[
				"attempt 2: FMIXING 30 (default) -> 60, GUESSP from attempt 1",
				"attempt 3: LEVSHIFT 5 1 added, GUESSP from attempt 2",
				"attempt 4: BROYDEN 0.0001 50 2 added, GUESSP from attempt 3",
			],
		);
		assert.ok(end.gaveUp);
	});

	test("each rung sits on top of the previous: the damped deck keeps its FMIXING when LEVSHIFT comes", () => {
		const facts = swingingInsulator();
		const first = planned(nextAttempt(facts, [], demo("mgo.d12")));
		const second = planned(nextAttempt(facts, [first.record], first.deckText));
		assert.equal(second.summary, "attempt 3: LEVSHIFT 5 1 added, GUESSP from attempt 2");
		assert.deepEqual(keywordValue(second.deckText, "FMIXING"), ["60"]);
		assert.deepEqual(keywordValue(second.deckText, "LEVSHIFT"), ["5 1"]);
		const third = planned(
			nextAttempt(facts, [first.record, second.record], second.deckText, { maxAttempts: 5 }),
		);
		assert.equal(third.summary, "attempt 4: BROYDEN 0.0001 50 2 added, GUESSP from attempt 3");
		const fourth = nextAttempt(facts, [first.record, second.record, third.record], third.deckText, {
			maxAttempts: 9,
		});
		assert.ok(fourth.gaveUp);
		assert.match(
			fourth.why,
			/every step against an SCF that does not settle has been tried; tried: attempt 2: FMIXING 30 \(default\) -> 60.*; attempt 3: LEVSHIFT.*; attempt 4: BROYDEN/,
		);
	});

	test("a metal is never level-shifted", () => {
		const { records } = climb(factsOf("failures/scf-too-many-cycles.out"), demo("al-unconverged.d12"), 10);
		assert.deepEqual(
			records.map((r) => r.step),
			["smear", "fmixing", "mixer"],
		);
		assert.ok(records.every((r) => !r.diff.includes("LEVSHIFT")));
	});

	test("an SCF that was converging gets more cycles from where it stopped", () => {
		const facts: FailureFacts = { ...swingingInsulator(), trend: "slow" };
		const next = planned(nextAttempt(facts, [], demo("al-unconverged.d12")));
		assert.equal(next.summary, "attempt 2: MAXCYCLE 30 -> 100, GUESSP from attempt 1");
		const again = planned(nextAttempt(facts, [next.record], next.deckText));
		assert.equal(again.step, "accelerate");
	});

	test("the cap: attempt max_attempts is the last, and the gave-up message lists what was tried", () => {
		const { records, end } = climb(swingingInsulator(), demo("mgo.d12"), 3);
		assert.equal(records.length, 2);
		assert.ok(end.gaveUp);
		assert.equal(
			end.why,
			"gave up after 3 attempts (max_attempts 3): an SCF that does not settle persists; tried: attempt 2: FMIXING 30 (default) -> 60, GUESSP from attempt 1; attempt 3: LEVSHIFT 5 1 added, GUESSP from attempt 2.",
		);
		assert.deepEqual(
			end.tried,
			records.map((r) => r.summary),
		);
	});
});

describe("the attempt record", () => {
	test("the diff is a unified diff from the failed deck to the new one", () => {
		const al = demo("al-unconverged.d12");
		const next = planned(nextAttempt(factsOf("failures/scf-too-many-cycles.out"), [], al, { name: "al" }));
		assert.match(next.diff, /^-{3} attempt-1\/al\.d12\n\+{3} attempt-2\/al\.d12\n/m);
		assert.match(next.diff, /^\+SMEAR\n\+0\.005\n\+GUESSP\n END\n/m);
		assert.equal(applyPatch(al, next.diff), next.deckText);
		assert.equal(next.deckText, editDeck(al, next.edits).text);
	});
});

describe("optimisations and time limits", () => {
	const quartz = demo("quartz-opt.d12");

	test("an optimisation out of steps continues from OPTINFO.DAT with more steps and GUESSP", () => {
		const next = planned(nextAttempt(factsOf("failures/opt-failed.out"), [], quartz, { name: "q" }));
		assert.equal(
			next.summary,
			"attempt 2: MAXCYCLE in OPTGEOM 100 -> 200, RESTART from attempt 1's OPTINFO.DAT and HESSOPT.DAT, GUESSP from attempt 1",
		);
		assert.deepEqual(
			next.restartFiles.map((f) => `${f.file}>${f.stagedAs}`),
			["q.optinfo>OPTINFO.DAT", "q.hessopt>HESSOPT.DAT", "q.f9>fort.20"],
		);
		assert.deepEqual(keywordValue(next.deckText, "RESTART", "optgeom"), []);
		assert.deepEqual(keywordValue(next.deckText, "MAXCYCLE"), ["100"], "the SCF's MAXCYCLE is not touched");
	});

	test("killed at its time limit mid-SCF of point 4: RESTART from point 3, no GUESSP from the stale fort.9", () => {
		const facts = factsOf("failures/walltime-kill.out", { timeLimit: true });
		assert.equal(facts.stoppedDuringScf, true);
		const withGuess = editDeck(quartz, [{ action: "set", keyword: "GUESSP" }]).text;
		const next = planned(nextAttempt(facts, [], withGuess, { name: "q" }));
		assert.equal(
			next.summary,
			"attempt 2: GUESSP removed, RESTART from attempt 1's OPTINFO.DAT and HESSOPT.DAT",
		);
		assert.ok(!next.restartFiles.some((f) => f.stagedAs === "fort.20"));
		assert.match(next.reason, /point 4, whose SCF was cut short, is computed again.*No GUESSP/);
		const again = planned(nextAttempt(facts, [next.record], next.deckText));
		assert.equal(again.step, "resubmit", "a time-limit resubmission may repeat, within the cap");
	});

	test("the scheduler's line alone (no state from the runner) is enough to see a time limit", () => {
		assert.equal(factsOf("failures/walltime-kill.out").timeLimit, true);
	});

	test("an SCF killed at its time limit before it left a wave function needs more time, not an edit", () => {
		const facts = factsOf("failures/killed-mid-scf.out", {
			timeLimit: true,
			left: { waveFunction: false, optinfo: false, hessopt: false },
		});
		const next = nextAttempt(facts, [], demo("mgo.d12"));
		assert.ok(next.gaveUp);
		assert.match(next.why, /before its SCF ended.*longer time limit/);
	});

	test("an optimisation that left no OPTINFO.DAT cannot continue", () => {
		const facts = factsOf("failures/opt-failed.out", {
			left: { waveFunction: true, optinfo: false, hessopt: false },
		});
		const next = nextAttempt(facts, [], quartz, { name: "q" });
		assert.ok(next.gaveUp);
		assert.match(next.why, /no OPTINFO\.DAT \(q\.optinfo\)/);
	});
});

describe("failures no edit fixes", () => {
	for (const [file, id, words] of [
		["failures/error-routine.out", "basis-linear-dependence", /linearly dependent.*LDREMO/],
		["failures/input-error.out", "input-keyword", /keyword.*NAME|keyword.*x\.d12/],
	] as const) {
		test(`${id}: stop at once and explain`, () => {
			const facts = factsOf(file);
			const verdict = ladderFor(facts);
			assert.ok("stop" in verdict && verdict.diagnosisId === id);
			const next = nextAttempt(facts, [], demo("mgo.d12"), { name: "x" });
			assert.ok(next.gaveUp);
			assert.match(next.why, /^attempt 1 failed and no edit of the deck fixes this\./);
			assert.match(next.why, words);
			assert.deepEqual(next.tried, []);
		});
	}

	test("a job cancelled by hand is not resubmitted; one cancelled at its time limit is", () => {
		const cancelled = {
			...factsOf("failures/walltime-kill.out"),
			diagnosisIds: ["job-cancelled"],
			timeLimit: false,
		};
		assert.ok("stop" in ladderFor(cancelled));
		assert.ok("ladder" in ladderFor({ ...cancelled, timeLimit: true }));
	});

	test("a run that ended well has nothing to recover", () => {
		const next = nextAttempt(factsOf("mgo-scf.out"), [], demo("mgo.d12"));
		assert.ok(next.gaveUp);
		assert.match(next.why, /nothing to recover/);
	});

	test("a deck whose blocks cannot be found gives up naming the line", () => {
		const broken = demo("al-unconverged.d12").replace(/FMIXING\n30\nEND\n$/, "FMIXING\n30\n");
		const next = nextAttempt(factsOf("failures/scf-too-many-cycles.out"), [], broken);
		assert.ok(next.gaveUp);
		assert.match(next.why, /cannot be edited: line \d+: the Hamiltonian\/SCF block has no END of its own/);
	});
});
