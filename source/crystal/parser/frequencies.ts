/**
 * Frequencies: the last table of Gamma-point modes. A FREQCALC run prints one `MODES EIGV
 * FREQUENCIES IRREP [IR INTENS RAMAN]` table; a phonon-dispersion run prints one per k point
 * after `DISPERSION K POINT NUMBER n COORD: R( 0 0 0 )`, and the table of k point 1 may come
 * without its header. Raman runs print further `MODES FREQUENCIES I_tot ...` tables that hold
 * only the Raman-active modes: those have no EIGV column and are not the Gamma table.
 */
import type { Frequencies } from "../result.js";
import { fortranNumber, wholeNumber } from "./numbers.js";
import { maxTableRows, type ParseState } from "./state.js";

/** `  4-   6    0.9668E-07     68.2405    2.0458  (Fu )   A (     1.82)   I` */
const rowPattern =
	/^\s*(\d+)-\s*(\d+)\s+(\S+)\s+(\S+)\s+(\S+)\s+\(\s*([^)]*?)\s*\)(?:\s+([AI])\s+\(\s*(\S+)\s*\)\s+([AI]))?/;
/** The banner that may stand between a k-point line and its table is about 15 lines long. */
const maxLinesBeforeRows = 40;
const gammaPattern = /COORD:\s*\w*\(\s*0\s+0\s+0\s*\)/;

/** `DISPERSION K POINT NUMBER   123 COORD:  R(   0   0   0 )    WEIGHT:    1.` */
export function dispersionPointLine(state: ParseState, line: string): void {
	state.frequencyAtGamma = gammaPattern.test(line);
	if (state.frequencyAtGamma) openTable(state);
}

/** `    MODES         EIGV          FREQUENCIES     IRREP ...`: a table of the k point at hand. */
export function modesHeaderLine(state: ParseState, line: string): void {
	if (!line.includes("EIGV") || state.frequencyAtGamma === false) return;
	state.sawFrequencies = true;
	openTable(state);
}

interface TableBuild {
	frequencies: number[];
	intensities: number[];
	irreps: string[];
	irActive: boolean[];
	ramanActive: boolean[];
	withIntensities: boolean;
}

/** A table ends at its first line that is not a mode row; one cut off by the end is dropped. */
function openTable(state: ParseState): void {
	const table: TableBuild = {
		frequencies: [],
		intensities: [],
		irreps: [],
		irActive: [],
		ramanActive: [],
		withIntensities: false,
	};
	let linesBeforeRows = 0;
	state.block = (target, line) => {
		// A later k point that is not Gamma: whatever waited for rows is not this table.
		if (target.frequencyAtGamma === false) {
			target.block = null;
			return false;
		}
		const row = rowPattern.exec(line);
		if (row) {
			addRow(table, row);
			return true;
		}
		// Before the first row: the header's unit line, blanks, or (k point 1) the banner.
		if (table.frequencies.length === 0) {
			if (++linesBeforeRows > maxLinesBeforeRows) target.block = null;
			return false;
		}
		target.block = null;
		target.frequencies = finish(table);
		return false;
	};
}

function addRow(table: TableBuild, row: RegExpExecArray): void {
	const first = wholeNumber(row[1]);
	const last = wholeNumber(row[2]);
	const frequency = fortranNumber(row[4]);
	if (first === null || last === null || frequency === null || last < first) return;
	const intensity = row[8] === undefined ? null : fortranNumber(row[8]);
	if (intensity !== null) table.withIntensities = true;
	for (let mode = first; mode <= last && table.frequencies.length < maxTableRows; mode++) {
		table.frequencies.push(frequency);
		table.irreps.push(row[6] ?? "");
		if (row[7] !== undefined) {
			table.intensities.push(intensity ?? 0);
			table.irActive.push(row[7] === "A");
			table.ramanActive.push(row[9] === "A");
		}
	}
}

function finish(table: TableBuild): Frequencies {
	const activity = table.irActive.length === table.frequencies.length;
	return {
		gammaCm1: table.frequencies,
		imaginary: table.frequencies.filter((value) => value < -1e-6).length,
		irIntensities: table.withIntensities && activity ? table.intensities : null,
		irreps: table.irreps,
		irActive: activity ? table.irActive : null,
		ramanActive: activity ? table.ramanActive : null,
	};
}
