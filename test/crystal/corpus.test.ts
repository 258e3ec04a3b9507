/** Every real output of the corpus against its checked answer key, field by field. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parseFile } from "../../source/crystal/parse-file.js";
import type { BandGap } from "../../source/crystal/result.js";
import { corpusAvailable, corpusFile, corpusSkipMessage, loadTruth } from "./corpus.js";

const truth = loadTruth();

function energyAccepted(value: number | null, accepted: (number | null)[]): boolean {
	if (value === null) return accepted.includes(null);
	return accepted.some((candidate) => candidate !== null && Math.abs(candidate - value) <= 1e-8);
}

function assertGap(actual: BandGap, expected: BandGap, file: string): void {
	if (expected === null || actual === null) {
		assert.equal(actual, expected, `${file}: band gap`);
		return;
	}
	if (typeof expected === "number") {
		assert.equal(typeof actual, "number", `${file}: band gap should be one number`);
		assert.ok(Math.abs((actual as number) - expected) < 5e-5, `${file}: band gap ${actual} vs ${expected}`);
		return;
	}
	assert.equal(typeof actual, "object", `${file}: band gap should be an alpha/beta pair`);
	const pair = actual as { alpha: number; beta: number };
	assert.ok(Math.abs(pair.alpha - expected.alpha) < 5e-5, `${file}: alpha gap`);
	assert.ok(Math.abs(pair.beta - expected.beta) < 5e-5, `${file}: beta gap`);
}

describe("the parser on the real CRYSTAL corpus", {
	skip: corpusAvailable ? false : corpusSkipMessage,
}, () => {
	test("the corpus holds files to check", () => {
		assert.ok(Object.keys(truth).length >= 30);
	});

	for (const [file, expected] of Object.entries(truth)) {
		test(file, async () => {
			const result = await parseFile(corpusFile(file));
			assert.equal(result.program, expected.program, `${file}: program`);
			assert.equal(result.version, expected.version, `${file}: version`);
			assert.equal(result.calcType, expected.calc_type, `${file}: calculation type`);
			assert.ok(
				energyAccepted(result.finalEnergyHartree, expected.acceptable_final_energies_hartree),
				`${file}: final energy ${result.finalEnergyHartree}, accepted ${JSON.stringify(expected.acceptable_final_energies_hartree)}`,
			);
			assert.ok(
				expected.scf_converged_acceptable.includes(result.scfConverged),
				`${file}: SCF converged ${result.scfConverged}`,
			);
			assert.equal(result.scfCycles, expected.scf_cycles, `${file}: SCF cycles`);
			assert.equal(result.optConverged, expected.opt_converged, `${file}: optimisation converged`);
			assert.ok(
				expected.opt_cycles_acceptable.includes(result.optCycles),
				`${file}: optimisation points ${result.optCycles}`,
			);
			assert.equal(
				result.atomsAsymmetric,
				expected.n_atoms_asymmetric,
				`${file}: atoms in the asymmetric unit`,
			);
			assert.equal(result.atomsCell, expected.n_atoms_cell, `${file}: atoms in the cell`);
			assert.equal(result.dimensionality, expected.dimensionality, `${file}: dimensionality`);
			assert.equal(result.spaceGroup, expected.space_group, `${file}: space group`);
			assertGap(result.bandGapEv, expected.band_gap_ev, file);
			assert.equal(result.terminatedNormally, expected.terminated_normally, `${file}: normal termination`);
			assert.deepEqual(result.errors, expected.errors, `${file}: errors`);
			assert.equal(result.wallTimeSeconds, expected.wall_time_seconds, `${file}: wall time`);
			assert.equal(result.cpuTimeSeconds, expected.cpu_time_seconds, `${file}: CPU time`);
			assert.ok(
				result.diagnosis.every((entry) => entry.severity !== "error"),
				`${file}: a run that ended normally gets no error diagnosis`,
			);
		});
	}
});
