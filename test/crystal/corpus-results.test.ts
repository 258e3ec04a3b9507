/**
 * The results beyond energies (structures, optimisation energies, frequencies, Mulliken
 * populations, elastic constants) of every real output of the corpus against its checked
 * answer key, ../shared/crystal-corpus/truth-results.json, field by field.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parseFile } from "../../source/crystal/parse-file.js";
import type { Lattice } from "../../source/crystal/result.js";
import { corpusAvailable, corpusFile, corpusSkipMessage, loadTruth, loadTruthResults } from "./corpus.js";

const truthResults = loadTruthResults();
const truth = loadTruth();

function close(
	actual: number | null | undefined,
	expected: number | null,
	tolerance: number,
	what: string,
): void {
	if (expected === null) {
		assert.equal(actual ?? null, null, `${what}: expected none, got ${actual}`);
		return;
	}
	assert.ok(
		typeof actual === "number" && Math.abs(actual - expected) <= tolerance,
		`${what}: ${actual} vs ${expected}`,
	);
}

function closeList(
	actual: number[] | null | undefined,
	expected: number[] | null,
	tolerance: number,
	what: string,
) {
	if (expected === null) {
		assert.equal(actual ?? null, null, `${what}: expected none`);
		return;
	}
	assert.ok(Array.isArray(actual), `${what}: expected ${expected.length} values, got none`);
	assert.equal(actual.length, expected.length, `${what}: count`);
	for (const [index, value] of expected.entries())
		close(actual[index], value, tolerance, `${what}[${index}]`);
}

const activity = (flags: string[] | null) => (flags === null ? null : flags.map((flag) => flag === "A"));

describe("detailed results on the real CRYSTAL corpus", {
	skip: corpusAvailable ? false : corpusSkipMessage,
}, () => {
	test("the answer key covers every output of the corpus", () => {
		assert.deepEqual(Object.keys(truthResults).sort(), Object.keys(truth).sort());
	});

	for (const [file, expected] of Object.entries(truthResults)) {
		test(file, async () => {
			const result = await parseFile(corpusFile(file));
			assert.equal(result.calcType, expected.calc_type, `${file}: calculation type`);

			const geometry = result.finalGeometry;
			assert.ok(geometry !== null, `${file}: a final structure`);
			assert.equal(geometry.dimensionality, expected.dimensionality, `${file}: dimensionality`);
			for (const key of ["a", "b", "c", "alpha", "beta", "gamma"] as (keyof Lattice)[]) {
				close(geometry.lattice[key], expected.final_lattice[key], 1e-6, `${file}: lattice ${key}`);
			}
			close(geometry.volume, expected.final_volume_a3, 1e-6, `${file}: volume`);
			const atoms = expected.final_atoms;
			assert.equal(geometry.atoms.length, atoms.count, `${file}: atoms`);
			assert.deepEqual(
				geometry.atoms.map((atom) => atom.symbol.toUpperCase()),
				atoms.symbols,
				`${file}: symbols`,
			);
			assert.deepEqual(
				geometry.atoms.map((atom) => atom.atomicNumber),
				atoms.z_as_printed.map((z) => z % 100),
				`${file}: atomic numbers`,
			);
			assert.equal(result.atomsAsymmetric, atoms.n_asymmetric, `${file}: atoms in the asymmetric unit`);
			if (expected.final_atoms_header_line !== undefined) {
				// CRYSTAL's own tables print fractional coordinates: the first row, as printed.
				const printed = expected.final_atoms_first_line.trim().split(/\s+/).slice(-3).map(Number);
				closeList(geometry.atoms[0]?.fractional, printed, 1e-12, `${file}: first atom`);
			}

			closeList(
				result.optEnergiesHartree,
				expected.opt_energies_hartree,
				1e-8,
				`${file}: optimisation energies`,
			);
			if (expected.opt_energies_hartree !== null) {
				assert.ok(result.optLastTests?.maxGradient, `${file}: last point's gradient test`);
			}

			const frequencies = result.frequencies;
			if (expected.frequencies_gamma_cm1 === null) {
				assert.equal(frequencies, null, `${file}: no frequencies`);
			} else {
				assert.ok(frequencies !== null, `${file}: frequencies`);
				closeList(frequencies.gammaCm1, expected.frequencies_gamma_cm1, 1e-9, `${file}: Gamma frequencies`);
				assert.equal(frequencies.imaginary, expected.n_imaginary_modes, `${file}: imaginary modes`);
				closeList(frequencies.irIntensities, expected.ir_intensities_km_mol, 1e-9, `${file}: IR intensities`);
				assert.deepEqual(frequencies.irreps, expected.irreps_as_printed, `${file}: irreps`);
				assert.deepEqual(
					frequencies.irActive,
					activity(expected.ir_activity ?? null),
					`${file}: IR activity`,
				);
				assert.deepEqual(
					frequencies.ramanActive,
					activity(expected.raman_activity ?? null),
					`${file}: Raman activity`,
				);
			}

			closeList(
				result.mulliken?.charges,
				expected.mulliken_charges?.values ?? null,
				1e-9,
				`${file}: Mulliken`,
			);
			closeList(result.mulliken?.spins, expected.mulliken_spins?.values ?? null, 1e-9, `${file}: spins`);

			if (expected.elastic_constants_gpa === null) {
				assert.equal(result.elasticConstantsGpa, null, `${file}: no elastic constants`);
			} else {
				assert.deepEqual(result.elasticConstantsGpa, expected.elastic_constants_gpa, `${file}: elastic`);
			}
		});
	}

	test("an optimisation's convergence tests are those of its last point, with thresholds", async () => {
		// a17_nio_sto3g_afm_opt__main.out, lines 1534-1537 (point 19, before OPT END).
		const result = await parseFile(corpusFile("a17_nio_sto3g_afm_opt__main.out"));
		assert.deepEqual(result.optLastTests, {
			maxGradient: { value: 0.000372, threshold: 0.00045, converged: true },
			rmsGradient: { value: 0.000267, threshold: 0.0003, converged: true },
			maxDisplacement: { value: 0.001, threshold: 0.0018, converged: true },
			rmsDisplacement: { value: 0.000707, threshold: 0.0012, converged: true },
		});
		assert.notDeepEqual(result.initialGeometry?.lattice, result.finalGeometry?.lattice);
		assert.equal(result.initialGeometry?.lattice.a, 2.94439264);
	});
});
