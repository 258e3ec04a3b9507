/**
 * Access to the real CRYSTAL output corpus at ../shared/crystal-corpus (outside the repository:
 * it is never copied in). Tests that need it skip with a message when it is missing.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const repository = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const corpusDirectory = resolve(repository, "..", "shared", "crystal-corpus");
export const corpusAvailable = existsSync(join(corpusDirectory, "truth.json"));
export const corpusSkipMessage = `CRYSTAL output corpus not found at ${corpusDirectory}: corpus tests skipped`;

export interface TruthEntry {
	program: string;
	version: string;
	calc_type: string;
	final_energy_hartree: number | null;
	acceptable_final_energies_hartree: (number | null)[];
	scf_converged: boolean | null;
	scf_converged_acceptable: (boolean | null)[];
	scf_cycles: number | null;
	opt_converged: boolean | null;
	opt_cycles: number | null;
	opt_cycles_acceptable: (number | null)[];
	n_atoms_asymmetric: number | null;
	n_atoms_cell: number | null;
	dimensionality: number | null;
	space_group: string | null;
	band_gap_ev: number | { alpha: number; beta: number } | null;
	terminated_normally: boolean;
	errors: string[];
	wall_time_seconds: number | null;
	cpu_time_seconds: number | null;
}

export function loadTruth(): Record<string, TruthEntry> {
	return corpusAvailable ? JSON.parse(readFileSync(join(corpusDirectory, "truth.json"), "utf8")) : {};
}

export function corpusFile(name: string): string {
	return join(corpusDirectory, "outputs", name);
}

export const failuresDirectory = resolve(repository, "fixtures", "outputs", "failures");

/** One file's entry of truth-results.json (the fields the tests read). */
export interface TruthResultsEntry {
	calc_type: string;
	dimensionality: number | null;
	final_lattice: {
		a: number | null;
		b: number | null;
		c: number | null;
		alpha: number | null;
		beta: number | null;
		gamma: number | null;
	};
	final_volume_a3: number | null;
	final_atoms: { count: number; symbols: string[]; z_as_printed: number[]; n_asymmetric: number | null };
	final_atoms_first_line: string;
	final_atoms_header_line?: string;
	opt_energies_hartree: number[] | null;
	frequencies_gamma_cm1: number[] | null;
	n_imaginary_modes: number | null;
	ir_intensities_km_mol: number[] | null;
	irreps_as_printed?: string[];
	ir_activity?: string[] | null;
	raman_activity?: string[] | null;
	mulliken_charges: { values: number[] } | null;
	mulliken_spins: { values: number[] } | null;
	elastic_constants_gpa: number[][] | null;
}

export function loadTruthResults(): Record<string, TruthResultsEntry> {
	return corpusAvailable ? JSON.parse(readFileSync(join(corpusDirectory, "truth-results.json"), "utf8")) : {};
}
