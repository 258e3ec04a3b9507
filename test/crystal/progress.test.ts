/** The live view while an output grows: phase, SCF cycle, energies, optimisation point, trend. */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { CrystalParser } from "../../source/crystal/parser.js";
import type { Progress } from "../../source/crystal/result.js";
import { corpusAvailable, corpusFile, corpusSkipMessage, failuresDirectory } from "./corpus.js";

/** Feeds a file line by line and records the progress after each line that matches `when`. */
function watch(path: string, when: (line: string) => boolean): { parser: CrystalParser; seen: Progress[] } {
	const parser = new CrystalParser();
	const seen: Progress[] = [];
	for (const line of readFileSync(path, "utf8").split("\n")) {
		parser.feedLine(line);
		if (when(line)) seen.push(parser.progress());
	}
	return { parser, seen };
}

test("a fresh parser reports that nothing has started", () => {
	const progress = new CrystalParser().progress();
	assert.equal(progress.phase, "starting");
	assert.equal(progress.scfCycle, null);
	assert.deepEqual(progress.deltaEHistory, []);
	assert.equal(progress.trend, null);
});

test("SCF in progress: cycle, energy, deltaE, history and trend", () => {
	const { parser, seen } = watch(join(failuresDirectory, "killed-mid-scf.out"), (line) =>
		line.startsWith(" CYC "),
	);
	assert.deepEqual(
		seen.map((progress) => progress.scfCycle),
		[0, 1, 2, 3, 4, 5],
	);
	const last = parser.progress();
	assert.equal(last.phase, "scf");
	assert.equal(last.energyHartree, -275.3530461167);
	assert.equal(last.deltaEHartree, -5.89e-6);
	assert.equal(last.deltaEHistory.length, 5, "cycle 0 carries no deltaE");
	assert.ok(Math.abs((last.deltaEHistory.at(-1) ?? 0) - Math.log10(5.89e-6)) < 1e-9);
	assert.ok(last.elapsedSeconds !== null && last.elapsedSeconds > 10);
	assert.equal(last.trend?.kind, "converging");
	parser.end();
	assert.equal(parser.progress().phase, "finished");
});

test("oscillating SCF: the trend says so while it runs", () => {
	const { seen } = watch(join(failuresDirectory, "scf-too-many-cycles.out"), (line) =>
		line.includes("CYC  20"),
	);
	assert.equal(seen[0]?.trend?.kind, "oscillating");
	assert.match(seen[0]?.trend?.advice ?? "", /FMIXING/);
});

test("optimisation: point, point energy and convergence tests", () => {
	const { parser } = watch(join(failuresDirectory, "walltime-kill.out"), () => false);
	const progress = parser.progress();
	assert.equal(progress.phase, "optimisation");
	assert.equal(progress.optPoint, 4);
	assert.equal(progress.optEnergyHartree, -1997.060871441);
	assert.deepEqual(progress.optConvergence, null, "tests are reset when a new point starts");
	assert.deepEqual(
		progress.deltaEHistory.length,
		2,
		"history follows the points once SCF details go to SCFOUT.LOG",
	);
});

test("the history stays bounded on a long SCF", () => {
	const parser = new CrystalParser();
	for (let cycle = 0; cycle < 500; cycle++) {
		const energy = (-100 - 1e-3 * Math.sin(cycle)).toExponential(12).toUpperCase();
		parser.feedLine(
			` CYC ${String(cycle).padStart(3)} ETOT(AU) ${energy} DETOT  1.00E-03 tst  1.00E-04 PX  1.00E-02`,
		);
	}
	const progress = parser.progress();
	assert.equal(progress.scfCycle, 499);
	assert.equal(progress.deltaEHistory.length, 60);
});

test("real optimisation: phases and points in order, FINALRUN restart followed to the end", {
	skip: corpusAvailable ? false : corpusSkipMessage,
}, () => {
	const { parser, seen } = watch(corpusFile("a17_nio_sto3g_afm_opt__main.out"), (line) =>
		line.includes("OPTIMIZATION - POINT"),
	);
	assert.deepEqual(
		seen.map((progress) => progress.optPoint),
		Array.from({ length: 19 }, (_, index) => index + 1),
	);
	assert.ok(seen.every((progress) => progress.phase === "optimisation"));
	const progress = parser.progress();
	assert.equal(progress.phase, "finished");
	assert.equal(progress.optEnergyHartree, -3128.318293403);
	assert.deepEqual(progress.optConvergence, {
		"MAX GRADIENT": true,
		"RMS GRADIENT": true,
		"MAX DISPLAC.": true,
		"RMS DISPLAC.": true,
	});
	assert.equal(progress.elapsedSeconds, 3018.29);
});

test("result() is valid while the output grows", () => {
	const parser = new CrystalParser();
	const text = readFileSync(join(failuresDirectory, "opt-failed.out"), "utf8");
	const half = text.slice(0, text.indexOf(" CELL OPTIMIZATION - POINT    3"));
	parser.feed(half);
	const partial = parser.result();
	assert.equal(partial.calcType, "optgeom");
	assert.equal(partial.optConverged, null, "still running: not yet known");
	assert.equal(partial.optCycles, 2);
	assert.equal(partial.terminatedNormally, false);
	assert.deepEqual(partial.diagnosis, []);
	parser.feed(text.slice(half.length));
	parser.end();
	assert.equal(parser.result().optConverged, false);
});
