/**
 * Band structures and densities of states as plain arrays, from the files the `properties`
 * program writes (BAND.DAT, DOSS.DAT, fort.25). Energies are eV relative to the Fermi level
 * (for an insulator CRYSTAL puts it at the top of the valence band); DOS in states/eV/cell.
 */

/** CODATA 2018, as CRYSTAL 17 and later use it. */
export const hartreeEv = 27.211386245988;

export interface BandPathPoint {
	/** Index of the k point in the path, from 0. */
	index: number;
	/** Path coordinate of that k point (the x axis of the plot). */
	distance: number;
	/** As printed by CRYSTAL: `(2,0,2)/4` (fractions of the reciprocal vectors over the shrink). */
	label: string;
}

export interface BandStructure {
	/** Path coordinate of every k point, increasing. */
	distances: number[];
	/** Energies, eV relative to the Fermi level: [spin][band][k point]; one spin, or alpha then beta. */
	energiesEv: number[][][];
	/** The high-symmetry points where the path turns. */
	path: BandPathPoint[];
	fermiHartree: number | null;
}

export interface DensityOfStates {
	/** Energy of every point, eV relative to the Fermi level. */
	energiesEv: number[];
	/**
	 * States/eV/cell: [spin][projection][point]. Beta is negative, as CRYSTAL writes it (spin
	 * down mirrored below the axis); CRYSTAL's last projection is usually the total.
	 */
	dos: number[][][];
	fermiHartree: number | null;
}

/** A file that does not have the format: the message names the line. */
export class PropertiesFormatError extends Error {
	constructor(
		readonly lineNumber: number,
		message: string,
	) {
		super(`line ${lineNumber}: ${message}`);
		this.name = "PropertiesFormatError";
	}
}

/** Blank-separated numbers of a data line (BAND.DAT and DOSS.DAT columns never run together). */
export function columns(line: string, lineNumber: number): number[] {
	const values = line.trim().split(/\s+/).map(Number);
	if (values.some((value) => !Number.isFinite(value))) {
		throw new PropertiesFormatError(lineNumber, `not a row of numbers: ${line.trim().slice(0, 60)}`);
	}
	return values;
}

export function splitLines(text: string): string[] {
	const lines = text.split("\n").map((line) => (line.endsWith("\r") ? line.slice(0, -1) : line));
	if (lines.at(-1) === "") lines.pop();
	return lines;
}
