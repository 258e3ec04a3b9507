/**
 * `crystal-tui parse FILE... [--json]`: the parser's answer for finished (or running) outputs,
 * as a readable summary per file or as one JSON object per line.
 */
import { parseFile } from "../crystal/parse-file.js";
import type { BandGap, CrystalResult } from "../crystal/result.js";

/**
 * Version of the `--json` record: raised when a key changes meaning or is removed (adding keys
 * keeps it). 2 added the structures, optimisation energies, frequencies, Mulliken populations
 * and elastic constants.
 */
export const schemaVersion = 2;

/** The `--json` keys, in order: `schemaVersion`, `file`, then the result's own keys. */
export const jsonKeys = [
	"schemaVersion",
	"file",
	"program",
	"version",
	"calcType",
	"finalEnergyHartree",
	"scfConverged",
	"scfCycles",
	"optConverged",
	"optCycles",
	"atomsAsymmetric",
	"atomsCell",
	"dimensionality",
	"spaceGroup",
	"bandGapEv",
	"terminatedNormally",
	"errors",
	"warnings",
	"wallTimeSeconds",
	"cpuTimeSeconds",
	"diagnosis",
	"initialGeometry",
	"finalGeometry",
	"optEnergiesHartree",
	"optLastTests",
	"scfThresholdHartree",
	"scfDeltaEsHartree",
	"frequencies",
	"mulliken",
	"elasticConstantsGpa",
] as const;

/** Exit code 0 when every file was read (whatever the runs' outcome), 2 when one could not be. */
export async function runParse(
	files: string[],
	options: { json: boolean },
	out: NodeJS.WritableStream,
	err: NodeJS.WritableStream,
): Promise<number> {
	if (files.length === 0) {
		err.write("crystal-tui parse: name at least one CRYSTAL output file, e.g. crystal-tui parse NAME.out\n");
		return 2;
	}
	let code = 0;
	for (const [index, file] of files.entries()) {
		let result: CrystalResult;
		try {
			result = await parseFile(file);
		} catch (error) {
			err.write(`crystal-tui parse: cannot read ${file}: ${reason(error)}\n`);
			code = 2;
			continue;
		}
		if (options.json) out.write(`${JSON.stringify(jsonRecord(file, result))}\n`);
		else out.write(`${index > 0 ? "\n" : ""}${summary(file, result)}`);
	}
	return code;
}

export function jsonRecord(file: string, result: CrystalResult): Record<string, unknown> {
	const record: Record<string, unknown> = {};
	const values: Record<string, unknown> = { schemaVersion, file, ...result };
	for (const key of jsonKeys) record[key] = values[key];
	return record;
}

function reason(error: unknown): string {
	const code = (error as NodeJS.ErrnoException | null)?.code;
	if (code === "ENOENT") return "no such file";
	if (code === "EISDIR") return "it is a folder, not a file";
	if (code === "EACCES" || code === "EPERM") return "permission denied";
	return error instanceof Error ? error.message : String(error);
}

const unknown = "unknown";

function summary(file: string, r: CrystalResult): string {
	const rows: [string, string][] = [
		["program", r.program === null ? unknown : `${r.program}${r.version ? ` (${r.version})` : ""}`],
		["calculation", r.calcType ?? unknown],
		["final energy", r.finalEnergyHartree === null ? "none computed" : `${r.finalEnergyHartree} Ha`],
		["SCF", scfText(r)],
	];
	if (r.optConverged !== null || r.optCycles !== null) rows.push(["optimisation", optText(r)]);
	rows.push(
		["atoms", atomsText(r)],
		["dimensionality", r.dimensionality === null ? unknown : `${r.dimensionality}D`],
		["space group", r.spaceGroup ?? unknown],
		["band gap", gapText(r.bandGapEv)],
		["termination", r.terminatedNormally ? "normal" : "NOT terminated normally"],
		["time", timeText(r)],
	);
	for (const error of r.errors) rows.push(["error", error]);
	if (r.warnings.length > 0)
		rows.push(["warnings", `${r.warnings.length} (${r.warnings[0]}${r.warnings.length > 1 ? ", ..." : ""})`]);
	const lines = [file, ...rows.map(([label, value]) => `  ${label.padEnd(15)}${value}`)];
	for (const entry of r.diagnosis) {
		lines.push(`  ${entry.severity.toUpperCase()} [${entry.id}] ${entry.cause}`, `      fix: ${entry.fix}`);
	}
	return `${lines.join("\n")}\n`;
}

function scfText(r: CrystalResult): string {
	if (r.scfConverged === null && r.scfCycles === null) return "none in this output";
	const cycles = r.scfCycles === null ? "" : ` (${r.scfCycles} cycles)`;
	if (r.scfConverged === null) return `status unknown${cycles}`;
	return `${r.scfConverged ? "converged" : "NOT converged"}${cycles}`;
}

function optText(r: CrystalResult): string {
	const points = r.optCycles === null ? "" : ` after ${r.optCycles} points`;
	if (r.optConverged === null) return `running${points}`;
	return `${r.optConverged ? "converged" : "NOT converged"}${points}`;
}

function atomsText(r: CrystalResult): string {
	if (r.atomsAsymmetric === null && r.atomsCell === null) return unknown;
	return `${r.atomsAsymmetric ?? unknown} in the asymmetric unit, ${r.atomsCell ?? unknown} in the cell`;
}

function gapText(gap: BandGap): string {
	if (gap === null) return "none (not printed, conducting or no SCF)";
	if (typeof gap === "number") return `${gap} eV`;
	return `alpha ${gap.alpha} eV, beta ${gap.beta} eV`;
}

function timeText(r: CrystalResult): string {
	if (r.wallTimeSeconds === null && r.cpuTimeSeconds === null) return unknown;
	return `wall ${r.wallTimeSeconds ?? unknown} s, CPU ${r.cpuTimeSeconds ?? unknown} s`;
}
