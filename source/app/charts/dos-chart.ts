/**
 * A density of states in the terminal: the total (CRYSTAL's last projection) as a curve on a
 * Braille canvas over energy, spin down mirrored below the axis, the Fermi level as a vertical
 * rule; each projection under it as a row of bars on the same energy axis.
 */
import type { DensityOfStates } from "../../crystal/properties/data.js";
import { BrailleCanvas } from "./braille.js";

const bars = " ▁▂▃▄▅▆▇█";

export function dosChart(dos: DensityOfStates, options: { width: number; height: number }): string[] {
	const labelWidth = 8;
	const columns = Math.max(10, options.width - labelWidth - 1);
	const rows = Math.max(4, options.height);
	const energies = dos.energiesEv;
	const spins = dos.dos;
	const totals = spins.map((projections) => projections.at(-1) ?? []);
	const top = Math.max(1e-12, ...totals.flatMap((values) => values.map((value) => Math.abs(value))));
	const mirrored = spins.length === 2;
	const canvas = new BrailleCanvas(columns, rows);
	const first = energies[0] ?? 0;
	const last = energies.at(-1) ?? 1;
	const x = (energy: number) => ((energy - first) / (last - first || 1)) * (canvas.dotWidth - 1);
	const zero = mirrored ? (canvas.dotHeight - 1) / 2 : canvas.dotHeight - 1;
	const scale = mirrored ? zero : canvas.dotHeight - 1;
	const y = (value: number) => zero - (value / top) * scale;
	for (const values of totals) {
		for (let point = 1; point < values.length; point++) {
			canvas.line(
				x(energies[point - 1] ?? 0),
				y(values[point - 1] ?? 0),
				x(energies[point] ?? 0),
				y(values[point] ?? 0),
			);
		}
	}
	const text = canvas.lines().map((line) => [...line]);
	const fermiColumn = Math.floor(x(0) / 2);
	for (const cells of text)
		if (fermiColumn >= 0 && fermiColumn < cells.length && cells[fermiColumn] === " ")
			cells[fermiColumn] = "┆";
	const zeroRow = Math.round(zero / 4);
	const lines = text.map((cells, row) => {
		const label =
			row === 0
				? top.toPrecision(3)
				: mirrored && row === rows - 1
					? (-top).toPrecision(3)
					: row === zeroRow && mirrored
						? "0"
						: "";
		return `${label.padStart(labelWidth)}┤${cells.join("")}`;
	});
	lines.push(`${" ".repeat(labelWidth)}└${"─".repeat(columns)}`);
	lines.push(`${" ".repeat(labelWidth + 1)}${energyLabels(first, last, columns)}`);
	lines.push(`${" ".repeat(labelWidth)} eV from the Fermi level (┆) · total DOS, states/eV/cell`);
	if (mirrored) lines.push(`${" ".repeat(labelWidth)} α above, β mirrored below`);
	const projections = spins[0]?.length ?? 0;
	if (projections > 1) {
		lines.push(`${" ".repeat(labelWidth)} projections (bars scaled to each one's maximum):`);
		for (let projection = 0; projection < projections; projection++) {
			for (const [spin, spinProjections] of spins.entries()) {
				const values = spinProjections[projection] ?? [];
				const name = `${projection + 1}${mirrored ? (spin === 0 ? "α" : "β") : ""}${projection === projections - 1 ? " all" : ""}`;
				lines.push(`${name.padStart(labelWidth)}│${barRow(values, columns)}`);
			}
		}
	}
	return lines;
}

/** One bar per column: the largest magnitude of the points that fall into it. */
function barRow(values: number[], columns: number): string {
	const peak = Math.max(1e-12, ...values.map((value) => Math.abs(value)));
	let row = "";
	for (let column = 0; column < columns; column++) {
		const from = Math.floor((column * values.length) / columns);
		const to = Math.max(from + 1, Math.floor(((column + 1) * values.length) / columns));
		let high = 0;
		for (let point = from; point < to; point++) high = Math.max(high, Math.abs(values[point] ?? 0));
		row += bars[Math.round((high / peak) * (bars.length - 1))] ?? " ";
	}
	return row;
}

function energyLabels(first: number, last: number, columns: number): string {
	const line = [..." ".repeat(columns + 10)];
	const span = last - first;
	const step = [0.5, 1, 2, 5, 10, 20, 50].find((candidate) => (candidate / span) * columns >= 8) ?? 100;
	let free = 0;
	for (let energy = Math.ceil(first / step) * step; energy <= last; energy += step) {
		const column = Math.round(((energy - first) / span) * (columns - 1));
		const label = String(Number(energy.toFixed(1)));
		if (column < free) continue;
		for (const [offset, character] of [...label].entries()) line[column + offset] = character;
		free = column + label.length + 1;
	}
	return line.join("").trimEnd();
}
