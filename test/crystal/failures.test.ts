/**
 * Failure modes the corpus does not show, on faithful synthetic outputs in
 * fixtures/outputs/failures (also replayed by the mock CRYSTAL executable).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { parseFile } from "../../source/crystal/parse-file.js";
import type { CrystalResult } from "../../source/crystal/result.js";
import { failuresDirectory } from "./corpus.js";

async function parseFailure(name: string): Promise<CrystalResult> {
	return parseFile(join(failuresDirectory, name));
}

function ids(result: CrystalResult): string[] {
	return result.diagnosis.map((entry) => entry.id);
}

test("SCF stopped by MAXCYCLE: not converged although CRYSTAL terminated normally", async () => {
	const result = await parseFailure("scf-too-many-cycles.out");
	assert.equal(result.calcType, "scf");
	assert.equal(result.scfConverged, false);
	assert.equal(result.scfCycles, 30);
	assert.equal(result.finalEnergyHartree, -242.26589767476);
	assert.equal(result.terminatedNormally, true);
	assert.equal(result.bandGapEv, null);
	assert.deepEqual(result.errors, []);
	assert.deepEqual(ids(result), ["scf-too-many-cycles", "scf-oscillating"]);
	assert.match(result.diagnosis[0]?.fix ?? "", /MAXCYCLE/);
	assert.match(result.diagnosis[1]?.fix ?? "", /FMIXING/);
});

test("optimisation that ran out of points: OPT END - FAILED", async () => {
	const result = await parseFailure("opt-failed.out");
	assert.equal(result.calcType, "optgeom");
	assert.equal(result.optConverged, false);
	assert.equal(result.optCycles, 4);
	assert.equal(result.finalEnergyHartree, -275.3611401017);
	assert.equal(result.scfConverged, true);
	assert.equal(result.scfCycles, 7);
	assert.equal(result.terminatedNormally, true);
	assert.deepEqual(ids(result), ["opt-failed"]);
	assert.match(result.diagnosis[0]?.fix ?? "", /RESTART.*OPTINFO\.DAT.*HESSOPT\.DAT/);
});

test("CRYSTAL error line: listed as an error, with its diagnosis", async () => {
	const result = await parseFailure("error-routine.out");
	assert.deepEqual(result.errors, ["ERROR **** CHOLSK **** BASIS SET LINEARLY DEPENDENT"]);
	assert.equal(result.terminatedNormally, false);
	assert.equal(result.scfConverged, false);
	assert.equal(result.finalEnergyHartree, null);
	assert.equal(result.wallTimeSeconds, 4.47);
	assert.equal(result.cpuTimeSeconds, 4.27);
	assert.deepEqual(ids(result), ["basis-linear-dependence"]);
	assert.equal(result.diagnosis[0]?.line, "ERROR **** CHOLSK **** BASIS SET LINEARLY DEPENDENT");
});

test("run killed in the middle of the SCF, last line cut", async () => {
	const result = await parseFailure("killed-mid-scf.out");
	assert.equal(result.version, "CRYSTAL23 public : 1.0.1 - Jan 24th, 2023");
	assert.equal(result.calcType, "scf");
	assert.equal(result.scfConverged, false);
	assert.equal(result.scfCycles, 5);
	assert.equal(result.finalEnergyHartree, null);
	assert.equal(result.bandGapEv, null, "no gap for an SCF that never converged");
	assert.equal(result.terminatedNormally, false);
	assert.equal(result.wallTimeSeconds, null);
	assert.deepEqual(ids(result), ["run-cut-off"]);
});

test("optimisation cut by the scheduler's time limit", async () => {
	const result = await parseFailure("walltime-kill.out");
	assert.equal(result.calcType, "optgeom");
	assert.equal(result.optConverged, false);
	assert.equal(result.optCycles, 3, "points whose energy was computed");
	assert.equal(result.finalEnergyHartree, -1997.060871441, "energy of the last computed point");
	assert.equal(result.spaceGroup, "P 42/M N M");
	assert.equal(result.atomsCell, 6);
	assert.equal(result.terminatedNormally, false);
	assert.deepEqual(result.errors, [], "a scheduler message is not a CRYSTAL error");
	assert.deepEqual(ids(result), ["walltime"]);
	assert.match(result.diagnosis[0]?.fix ?? "", /walltime/);
});

test("input error before any SCF", async () => {
	const result = await parseFailure("input-error.out");
	assert.equal(result.program, "CRYSTAL");
	assert.equal(result.calcType, null);
	assert.equal(result.finalEnergyHartree, null);
	assert.equal(result.scfConverged, null);
	assert.equal(result.scfCycles, null);
	assert.equal(result.optConverged, null);
	assert.equal(result.spaceGroup, "F M 3 M");
	assert.equal(result.atomsAsymmetric, null);
	assert.deepEqual(result.errors, ["ERROR **** INPUT **** OPTGOEM - KEYWORD NOT ALLOWED"]);
	assert.equal(result.terminatedNormally, false);
	assert.deepEqual(ids(result), ["input-keyword"]);
});
