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
