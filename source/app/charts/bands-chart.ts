/**
 * A band structure in the terminal: the bands along the k path on a Braille canvas, a vertical
 * rule and a label at every turning point of the path, the Fermi level as a dashed line, the gap
 * (valence band maximum to conduction band minimum) named under the chart. A spin-polarised
 * structure is drawn as two panels, alpha then beta.
 */
import type { BandStructure } from "../../crystal/properties/data.js";
import { BrailleCanvas } from "./braille.js";

export interface BandsChartOptions {
	width: number;
	height: number;
	/** Energy window around the Fermi level, eV (default -10 to +10). */
	minEv?: number;
	maxEv?: number;
}

/** Valence band maximum and conduction band minimum of one spin (eV from the Fermi level). */
export function bandEdges(energies: number[][]): { vbm: number; cbm: number } | null {
	let vbm = Number.NEGATIVE_INFINITY;
	let cbm = Number.POSITIVE_INFINITY;
	for (const band of energies) {
		const top = Math.max(...band);
		const bottom = Math.min(...band);
		// A band that crosses the Fermi level: a metal, no gap.
		if (bottom < -1e-3 && top > 1e-3) return null;
		if (top <= 1e-3) vbm = Math.max(vbm, top);
		else cbm = Math.min(cbm, bottom);
	}
	return Number.isFinite(vbm) && Number.isFinite(cbm) ? { vbm, cbm } : null;
}

export function bandsChart(bands: BandStructure, options: BandsChartOptions): string[] {
	const minEv = options.minEv ?? -10;
	const maxEv = options.maxEv ?? 10;
	const labelWidth = 6;
	const columns = Math.max(10, options.width - labelWidth - 1);
	const rows = Math.max(4, options.height - 2);
	const out: string[] = [];
	const spins = bands.energiesEv;
	for (const [spin, energies] of spins.entries()) {
		if (spins.length === 2) out.push(spin === 0 ? "α (spin up)" : "β (spin down)");
		out.push(...panel(bands, energies, { columns, rows, minEv, maxEv, labelWidth }));
		const edges = bandEdges(energies);
		out.push(
			edges === null
				? "no gap: a band crosses the Fermi level (metallic)"
				: `gap ${(edges.cbm - edges.vbm).toFixed(3)} eV · ▲ valence band top ${edges.vbm.toFixed(3)} · ▼ conduction band bottom ${edges.cbm.toFixed(3)}`,
		);
	}
	return out;
}

function panel(
	bands: BandStructure,
	energies: number[][],
	size: { columns: number; rows: number; minEv: number; maxEv: number; labelWidth: number },
): string[] {
	const canvas = new BrailleCanvas(size.columns, size.rows);
	const last = bands.distances.at(-1) ?? 1;
	const x = (distance: number) => (distance / (last || 1)) * (canvas.dotWidth - 1);
	const y = (energy: number) => ((size.maxEv - energy) / (size.maxEv - size.minEv)) * (canvas.dotHeight - 1);
	for (const band of energies) {
		for (let k = 1; k < band.length; k++) {
			const e0 = band[k - 1] ?? 0;
			const e1 = band[k] ?? 0;
			if ((e0 < size.minEv && e1 < size.minEv) || (e0 > size.maxEv && e1 > size.maxEv)) continue;
			canvas.line(x(bands.distances[k - 1] ?? 0), y(e0), x(bands.distances[k] ?? 0), y(e1));
		}
	}
	const text = canvas.lines().map((line) => [...line]);
	// The Fermi level and the path's turning points, in the cells the bands left empty.
	const fermiRow = Math.round(y(0) / 4);
	const turnColumns = bands.path.map((point) =>
		Math.min(size.columns - 1, Math.floor(x(point.distance) / 2)),
	);
	for (const [row, cells] of text.entries()) {
		for (const column of turnColumns) if (cells[column] === " ") cells[column] = "│";
		if (row === fermiRow) for (const [column, cell] of cells.entries()) if (cell === " ") cells[column] = "┄";
	}
	const edges = bandEdges(energies);
	if (edges !== null) {
		mark(text, energies, edges.vbm, "▲", x, y, bands.distances);
		mark(text, energies, edges.cbm, "▼", x, y, bands.distances);
	}
	const lines = text.map((cells, row) => {
		const energy = size.maxEv - ((row * 4 + 1.5) / (canvas.dotHeight - 1)) * (size.maxEv - size.minEv);
		const label = row === fermiRow ? "EF 0" : row % 3 === 0 ? energy.toFixed(1) : "";
		return `${label.padStart(size.labelWidth)}┤${cells.join("")}`;
	});
	lines.push(`${" ".repeat(size.labelWidth)}└${"─".repeat(size.columns)}`);
	lines.push(`${" ".repeat(size.labelWidth + 1)}${pathLabels(bands, turnColumns, size.columns)}`);
	lines.push(`${" ".repeat(size.labelWidth)} eV from the Fermi level, along the k path`);
	return lines;
}

function mark(
	text: string[][],
	energies: number[][],
	edge: number,
	symbol: string,
	x: (distance: number) => number,
	y: (energy: number) => number,
	distances: number[],
): void {
	for (const band of energies) {
		const k = band.findIndex((energy) => Math.abs(energy - edge) < 1e-9);
		if (k < 0) continue;
		const row = Math.round(y(edge) / 4);
		const column = Math.floor(x(distances[k] ?? 0) / 2);
		const cells = text[Math.min(text.length - 1, Math.max(0, row))];
		if (cells && column >= 0 && column < cells.length) cells[column] = symbol;
		return;
	}
}

/** The labels of the turning points under their rules; one that would overlap is dropped. */
function pathLabels(bands: BandStructure, columns: number[], width: number): string {
	const line = [..." ".repeat(width)];
	let free = 0;
	for (const [index, point] of bands.path.entries()) {
		const label = gammaName(point.label);
		// Centred under its rule, moved left at the right edge rather than cut.
		const column = Math.max(
			free,
			Math.min(width - label.length, (columns[index] ?? 0) - Math.floor(label.length / 2)),
		);
		if (column < free || column + label.length > line.length) continue;
		for (const [offset, character] of [...label].entries()) line[column + offset] = character;
		free = column + label.length + 1;
	}
	return line.join("").trimEnd();
}

/** `(0,0,0)/4` and `(0,0,0)` are Γ; every other point keeps its printed coordinates. */
function gammaName(label: string): string {
	return /^\(0,0,0\)(\/\d+)?$/.test(label) ? "Γ" : label;
}
