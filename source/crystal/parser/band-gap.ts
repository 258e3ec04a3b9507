/**
 * Band gaps. Each SCF cycle (and NEWK in properties) prints, for its final state, either one gap
 * line per spin, or `POSSIBLY CONDUCTING STATE`, or `SPIN LOCKING: NO ENERGY GAP COMPUTED`; the
 * latest of these describes the state. Gap lines printed together (alpha block, then beta
 * block, with no timing line between them) form one group. CRYSTAL14 prints only band-edge
 * eigenvalues, which are never turned into a gap here: in spin-locked cycles they are dummies.
 */
import { fortranNumber } from "./numbers.js";
import type { ParseState } from "./state.js";

const gapValuePattern = /GAP:\s*(\S+)/;

/** `DIRECT ENERGY BAND GAP:   9.0535 eV` or `INDIRECT ENERGY BAND GAP:  12.6665 eV`. */
export function cycleGapLine(state: ParseState, line: string): void {
	const value = fortranNumber(gapValuePattern.exec(line)?.[1]);
	if (value === null) return;
	if (!state.gapGroupOpen || state.gapGroup.length >= 2) {
		state.gapGroup = [];
		state.gapGroupOpen = true;
	}
	state.gapGroup.push(value);
	state.currentGap = state.gapGroup;
}

/** The summary after OPT END: `BAND GAP:  5.8207  eV`, `ALPHA BAND GAP: ...`, `BETA BAND GAP: ...`. */
export function summaryGapLine(state: ParseState, line: string, spin: "alpha" | "beta" | null): void {
	const value = fortranNumber(gapValuePattern.exec(line)?.[1]);
	if (value === null) return;
	if (spin === "alpha") state.summaryAlpha = value;
	else if (spin === "beta") state.summaryBeta = value;
	else state.summaryGap = value;
}

/** `POSSIBLY CONDUCTING STATE` or `SPIN LOCKING: NO ENERGY GAP COMPUTED`: no gap for this state. */
export function noGapLine(state: ParseState): void {
	state.currentGap = null;
	state.gapGroupOpen = false;
}

export function closeGapGroup(state: ParseState): void {
	state.gapGroupOpen = false;
}
