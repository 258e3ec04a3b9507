/**
 * Bands and densities of states as CSV for a plotting program: one header row, then one row per
 * k point (bands) or per energy (DOS). Energies eV relative to the Fermi level, DOS states/eV/cell.
 */
import type { BandStructure, DensityOfStates } from "./data.js";

const spinNames = (spins: number): string[] => (spins === 2 ? ["alpha_", "beta_"] : [""]);

export function bandsCsv(bands: BandStructure): string {
	const names = spinNames(bands.energiesEv.length);
	const header = ["k_distance", "label"];
	for (const [spin, spinBands] of bands.energiesEv.entries()) {
		for (let band = 0; band < spinBands.length; band++) header.push(`${names[spin] ?? ""}band${band + 1}_eV`);
	}
	const labels = new Map(bands.path.map((point) => [point.index, point.label]));
	const rows = bands.distances.map((distance, k) => {
		const cells = [String(distance), quote(labels.get(k) ?? "")];
		for (const spinBands of bands.energiesEv) for (const band of spinBands) cells.push(round(band[k]));
		return cells.join(",");
	});
	return `${[header.join(","), ...rows].join("\n")}\n`;
}

export function dosCsv(dos: DensityOfStates): string {
	const names = spinNames(dos.dos.length);
	const header = ["energy_eV"];
	for (const [spin, projections] of dos.dos.entries()) {
		for (let projection = 0; projection < projections.length; projection++) {
			header.push(`${names[spin] ?? ""}projection${projection + 1}`);
		}
	}
	const rows = dos.energiesEv.map((energy, point) => {
		const cells = [round(energy)];
		for (const projections of dos.dos)
			for (const projection of projections) cells.push(round(projection[point]));
		return cells.join(",");
	});
	return `${[header.join(","), ...rows].join("\n")}\n`;
}

function round(value: number | undefined): string {
	return value === undefined ? "" : String(Number(value.toPrecision(8)));
}

function quote(text: string): string {
	return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
