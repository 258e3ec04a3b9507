/**
 * The pictures of the result view, as lines: SCF convergence (log10|ΔE| per cycle against the
 * threshold), the optimisation's energy per point, the Gamma frequencies with imaginary modes
 * marked, and the final lattice beside the initial one.
 */
import type { CrystalResult, Frequencies, Geometry } from "../../crystal/result.js";
import { lineChart } from "./line-chart.js";

export interface ChartLine {
	text: string;
	tone: "plain" | "dim" | "bad" | "title" | "good";
}

const chartHeight = 10;

/** log10|ΔE| of each cycle of the last SCF; the threshold (TOLDEE) as a line across. */
export function scfChart(
	deltaEs: readonly number[],
	thresholdHartree: number | null,
	width: number,
): ChartLine[] {
	if (deltaEs.length < 2) return [];
	const values = deltaEs.map((delta) => (delta === 0 ? -16 : Math.log10(Math.abs(delta))));
	const reference =
		thresholdHartree === null || thresholdHartree <= 0 ? undefined : Math.log10(thresholdHartree);
	const chart = lineChart(values, {
		width,
		height: chartHeight,
		formatY: (value) => value.toFixed(1),
		xOf: (index) => index + 1,
		...(reference === undefined ? {} : { reference }),
	});
	const legend =
		reference === undefined
			? "log10|ΔE| (Ha) per SCF cycle"
			: `log10|ΔE| (Ha) per SCF cycle · straight line: threshold 10^${Math.round(reference)} Ha`;
	return [
		{ text: legend, tone: "dim" },
		...chart.map((text) => ({ text, tone: "plain" as const })),
		cycleLabel("cycle"),
	];
}

/** The energy of each optimisation point relative to the last one, in mHa. */
export function optimisationChart(energies: readonly number[], width: number): ChartLine[] {
	if (energies.length < 2) return [];
	const last = energies.at(-1) ?? 0;
	const values = energies.map((energy) => (energy - last) * 1000);
	const chart = lineChart(values, {
		width,
		height: chartHeight,
		formatY: (value) => value.toFixed(2),
		xOf: (index) => index + 1,
	});
	return [
		{ text: `E − E(last point) in mHa per optimisation point (last: ${last.toFixed(8)} Ha)`, tone: "dim" },
		...chart.map((text) => ({ text, tone: "plain" as const })),
		cycleLabel("point"),
	];
}

function cycleLabel(what: string): ChartLine {
	return { text: `${" ".repeat(8)}${what}`, tone: "dim" };
}

/** Every Gamma mode, several to a line; imaginary ones listed first and marked. */
export function frequencyLines(frequencies: Frequencies, width: number): ChartLine[] {
	const modes = frequencies.gammaCm1;
	const lines: ChartLine[] = [];
	const imaginary = modes.flatMap((value, index) => (value < -1e-6 ? [index] : []));
	lines.push({
		text: `${modes.length} modes at Γ · ${imaginary.length === 0 ? "no imaginary mode" : `${imaginary.length} IMAGINARY`}`,
		tone: imaginary.length === 0 ? "good" : "bad",
	});
	for (const index of imaginary) {
		lines.push({
			text: `  ✗ mode ${index + 1}: ${Math.abs(modes[index] ?? 0).toFixed(2)}i cm⁻¹ (printed ${modes[index]})${irrep(frequencies, index)}`,
			tone: "bad",
		});
	}
	const cells = modes.map((value, index) => {
		const mark = value < -1e-6 ? "✗" : " ";
		const intensity =
			frequencies.irIntensities === null ? "" : ` ${(frequencies.irIntensities[index] ?? 0).toFixed(1)}`;
		return `${String(index + 1).padStart(4)}${mark}${value.toFixed(2).padStart(10)}${irrep(frequencies, index).padEnd(5)}${intensity}`;
	});
	const cellWidth = Math.max(...cells.map((cell) => cell.length)) + 2;
	const perLine = Math.max(1, Math.floor(width / cellWidth));
	lines.push({
		text: `mode, cm⁻¹, irrep${frequencies.irIntensities === null ? "" : ", IR km/mol"} (✗ imaginary)`,
		tone: "dim",
	});
	for (let at = 0; at < cells.length; at += perLine) {
		const row = cells.slice(at, at + perLine);
		const bad = row.some((cell) => cell.includes("✗"));
		lines.push({
			text: row
				.map((cell) => cell.padEnd(cellWidth))
				.join("")
				.trimEnd(),
			tone: bad ? "bad" : "plain",
		});
	}
	return lines;
}

function irrep(frequencies: Frequencies, index: number): string {
	const name = frequencies.irreps[index];
	return name ? ` ${name}` : "";
}

/** The final lattice beside the initial one, with the change in percent. */
export function latticeLines(initial: Geometry | null, final: Geometry | null): ChartLine[] {
	if (final === null) return [];
	const rows: [string, number | null, number | null][] = [
		["a (Å)", initial?.lattice.a ?? null, final.lattice.a],
		["b (Å)", initial?.lattice.b ?? null, final.lattice.b],
		["c (Å)", initial?.lattice.c ?? null, final.lattice.c],
		["α (°)", initial?.lattice.alpha ?? null, final.lattice.alpha],
		["β (°)", initial?.lattice.beta ?? null, final.lattice.beta],
		["γ (°)", initial?.lattice.gamma ?? null, final.lattice.gamma],
		["V (Å³)", initial?.volume ?? null, final.volume],
	];
	const compare = initial !== null;
	const lines: ChartLine[] = [
		{ text: compare ? "            initial        final    change" : "            final", tone: "dim" },
	];
	for (const [label, before, after] of rows) {
		if (after === null) continue;
		const text = compare
			? `${label.padEnd(8)}${cell(before)}${cell(after)}${percent(before, after)}`
			: `${label.padEnd(8)}${cell(after)}`;
		lines.push({ text, tone: "plain" });
	}
	lines.push({ text: `${final.atoms.length} atoms in the cell`, tone: "dim" });
	return lines;
}

function cell(value: number | null): string {
	return (value === null ? "–" : value.toFixed(5)).padStart(13);
}

function percent(before: number | null, after: number): string {
	if (before === null || before === 0) return "";
	const change = ((after - before) / before) * 100;
	return `${change >= 0 ? "+" : ""}${change.toFixed(2)} %`.padStart(10);
}

/** Which charts a result has, for the view to add under their titles. */
export function resultCharts(result: CrystalResult, width: number): { title: string; lines: ChartLine[] }[] {
	const sections: { title: string; lines: ChartLine[] }[] = [];
	const scf = scfChart(result.scfDeltaEsHartree, result.scfThresholdHartree, width);
	if (scf.length > 0) sections.push({ title: "SCF convergence (last SCF in the output)", lines: scf });
	const opt = optimisationChart(result.optEnergiesHartree ?? [], width);
	if (opt.length > 0) sections.push({ title: "Optimisation energy", lines: opt });
	if (result.finalGeometry !== null) {
		const optimised = result.optEnergiesHartree !== null;
		sections.push({
			title: optimised ? "Lattice: initial and final" : "Structure",
			lines: latticeLines(optimised ? result.initialGeometry : null, result.finalGeometry),
		});
	}
	if (result.frequencies !== null) {
		sections.push({ title: "Frequencies (Γ point)", lines: frequencyLines(result.frequencies, width) });
	}
	if (result.mulliken !== null)
		sections.push({ title: "Mulliken populations", lines: mullikenLines(result) });
	if (result.elasticConstantsGpa !== null) {
		sections.push({
			title: "Elastic constants (GPa)",
			lines: result.elasticConstantsGpa.map((row) => ({
				text: row.map((value) => value.toFixed(3).padStart(10)).join(""),
				tone: "plain" as const,
			})),
		});
	}
	return sections;
}

/** Per atom: CRYSTAL's CHARGE column (electrons on the atom) and the net charge Z − population. */
function mullikenLines(result: CrystalResult): ChartLine[] {
	const mulliken = result.mulliken;
	if (mulliken === null) return [];
	const atoms = result.finalGeometry?.atoms ?? [];
	const named = atoms.length === mulliken.charges.length;
	const lines: ChartLine[] = [
		{
			text: `atom      electrons${named ? "   Z − electrons" : ""}${mulliken.spins === null ? "" : "   spin (α−β)"}`,
			tone: "dim",
		},
	];
	for (const [index, population] of mulliken.charges.entries()) {
		const atom = atoms[index];
		const name = `${index + 1} ${named ? (atom?.symbol ?? "") : ""}`.padEnd(8);
		const net = named && atom ? (atom.atomicNumber - population).toFixed(3).padStart(16) : "";
		const spin = mulliken.spins === null ? "" : (mulliken.spins[index] ?? 0).toFixed(3).padStart(14);
		lines.push({ text: `${name}${population.toFixed(3).padStart(11)}${net}${spin}`, tone: "plain" });
	}
	if (named) lines.push({ text: "Z − electrons is the net charge for all-electron basis sets", tone: "dim" });
	return lines;
}
