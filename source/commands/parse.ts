/**
 * `crystal-tui parse FILE... [--json]`: the parser's answer for finished (or running) outputs,
 * as a readable summary per file or as one JSON object per line. The files properties writes
 * (BAND.DAT, DOSS.DAT, fort.25) are recognised by their first line and drawn instead.
 */
import { open, readFile } from "node:fs/promises";
import { bandsChart } from "../app/charts/bands-chart.js";
import { dosChart } from "../app/charts/dos-chart.js";
import { parseFile } from "../crystal/parse-file.js";
import { readBandDat } from "../crystal/properties/band-dat.js";
import { readDossDat } from "../crystal/properties/doss-dat.js";
import { readFort25 } from "../crystal/properties/fort25.js";
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
		const kind = await propertiesKind(file);
		if (kind !== null) {
			try {
				out.write(await propertiesText(file, kind, options.json, index));
			} catch (error) {
				err.write(`crystal-tui parse: ${file}: ${reason(error)}\n`);
				code = 2;
			}
			continue;
		}
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

type PropertiesKind = "band-dat" | "doss-dat" | "fort25";

/** BAND.DAT, DOSS.DAT or fort.25 by their first line; null for anything else (an output). */
async function propertiesKind(file: string): Promise<PropertiesKind | null> {
	let head = "";
	try {
		const handle = await open(file, "r");
		try {
			const buffer = Buffer.alloc(64);
			const { bytesRead } = await handle.read(buffer, 0, 64, 0);
			head = buffer.subarray(0, bytesRead).toString("latin1");
		} finally {
			await handle.close();
		}
	} catch {
		return null;
	}
	if (/^#\s*NKPT\s/.test(head)) return "band-dat";
	if (/^#\s*NEPTS\s/.test(head)) return "doss-dat";
	if (/^-%-\d(DOSS|BAND)/.test(head)) return "fort25";
	return null;
}

/** Drawn to the terminal's width (80 columns in a pipe), or as JSON arrays with --json. */
async function propertiesText(
	file: string,
	kind: PropertiesKind,
	json: boolean,
	index: number,
): Promise<string> {
	const text = await readFile(file, "utf8");
	const bands = kind === "band-dat" ? readBandDat(text) : kind === "fort25" ? readFort25(text).bands : null;
	const dos = kind === "doss-dat" ? readDossDat(text) : kind === "fort25" ? readFort25(text).dos : null;
	if (json) return `${JSON.stringify({ schemaVersion, file, bands, dos })}\n`;
	const width = Math.max(40, Math.min(process.stdout.columns ?? 80, 200));
	const lines = [file];
	if (bands) lines.push("band structure", ...bandsChart(bands, { width, height: 22 }));
	if (dos) lines.push("density of states", ...dosChart(dos, { width, height: 12 }));
	return `${index > 0 ? "\n" : ""}${lines.join("\n")}\n`;
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
