/**
 * Mulliken population analysis: `ALPHA+BETA ELECTRONS` (electron populations) and, for open
 * shells, `ALPHA-BETA ELECTRONS` (spin populations), each followed by `MULLIKEN POPULATION
 * ANALYSIS - NO. OF ELECTRONS ...` and a table `ATOM Z CHARGE A.O. POPULATION` whose CHARGE
 * column is what is kept, per atom. The last analysis printed describes the final SCF.
 */
import { fortranNumber } from "./numbers.js";
import { maxTableRows, type ParseState } from "./state.js";

/** `     ALPHA+BETA ELECTRONS` / `     ALPHA-BETA ELECTRONS` (not `... LOCKED TO 0 FOR 15 SCF CYCLES`). */
export function spinBlockTitle(state: ParseState, line: string): void {
	const trimmed = line.trim();
	if (trimmed === "ALPHA+BETA ELECTRONS") state.mullikenKind = "charges";
	else if (trimmed === "ALPHA-BETA ELECTRONS") state.mullikenKind = "spins";
}

/** `   1 NI  28 27.637  2.000  1.999 ...`; continuation lines hold only populations. */
const atomRowPattern = /^\s*\d+\s+[A-Za-z]{1,2}\s+\d+\s*(-?\d+\.\d+)/;
const maxLinesBeforeRows = 6;

/** `MULLIKEN POPULATION ANALYSIS - NO. OF ELECTRONS   72.000000` */
export function mullikenTitle(state: ParseState, line: string): void {
	if (!line.includes("NO. OF ELECTRONS")) return;
	const kind = state.mullikenKind ?? "charges";
	state.mullikenKind = null;
	const values: number[] = [];
	let before = 0;
	state.block = (target, text) => {
		const row = atomRowPattern.exec(text);
		if (row) {
			const value = fortranNumber(row[1]);
			if (value !== null && values.length < maxTableRows) values.push(value);
			return true;
		}
		if (values.length === 0) {
			if (++before > maxLinesBeforeRows) target.block = null;
			return true;
		}
		// Continuation rows of the A.O. populations start with a number, not an atom.
		const first = text.trimStart().charCodeAt(0);
		if (first === 45 || (first >= 48 && first <= 57)) return true;
		target.block = null;
		if (kind === "charges") target.mulliken = { charges: values, spins: null };
		else if (target.mulliken !== null && target.mulliken.charges.length === values.length) {
			target.mulliken = { charges: target.mulliken.charges, spins: values };
		}
		return false;
	};
}
