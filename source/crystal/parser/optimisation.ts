/** Geometry optimisation: points, convergence tests and the final OPT END line. */

import type { OptPointTests } from "../result.js";
import { closeGapGroup } from "./band-gap.js";
import { fortranNumber, wholeNumber } from "./numbers.js";
import { maxTableRows, type ParseState } from "./state.js";

const pointPattern = /OPTIMIZATION - POINT\s+(\d+)\s*$/;

/** `CELL OPTIMIZATION - POINT    9`, `COORDINATE AND CELL OPTIMIZATION - POINT    1`, ... */
export function pointLine(state: ParseState, line: string): boolean {
	const match = pointPattern.exec(line);
	if (!match) return false;
	state.sawOptimisation = true;
	state.optPoint = wholeNumber(match[1]);
	state.optConvergence = null;
	state.phase = "optimisation";
	closeGapGroup(state);
	return true;
}

const testPattern = /^\s*(\S.*?)\s+(\S+)\s+THRESHOLD\s+(\S+)\s+CONVERGED\s+(YES|NO)\b/;

const testKeys: Record<string, keyof OptPointTests> = {
	"MAX GRADIENT": "maxGradient",
	"RMS GRADIENT": "rmsGradient",
	"MAX DISPLAC.": "maxDisplacement",
	"RMS DISPLAC.": "rmsDisplacement",
};

/** `MAX GRADIENT      0.000357  THRESHOLD              0.000450 CONVERGED YES` */
export function convergenceTestLine(state: ParseState, line: string): void {
	const match = testPattern.exec(line);
	if (!match || match[1] === undefined) return;
	const converged = match[4] === "YES";
	state.optConvergence = { ...state.optConvergence, [match[1]]: converged };
	const key = testKeys[match[1]];
	const value = fortranNumber(match[2]);
	const threshold = fortranNumber(match[3]);
	if (key === undefined || value === null || threshold === null) return;
	// The first test of a point (MAX GRADIENT) starts a new set: the last point's tests only.
	if (state.optLastTests === null || key === "maxGradient") {
		state.optLastTests = {
			maxGradient: null,
			rmsGradient: null,
			maxDisplacement: null,
			rmsDisplacement: null,
		};
	}
	state.optLastTests[key] = { value, threshold, converged };
}

/** The energy of optimisation point `point`; a second line for the same point replaces it. */
export function recordPointEnergy(state: ParseState, energy: number | null): void {
	if (energy === null || state.optPoint === null) return;
	if (state.optEnergiesPoint === state.optPoint && state.optEnergies.length > 0) {
		state.optEnergies[state.optEnergies.length - 1] = energy;
	} else if (state.optEnergies.length < maxTableRows) {
		state.optEnergies.push(energy);
	}
	state.optEnergiesPoint = state.optPoint;
}

const optEndPattern = /OPT END - (CONVERGED|FAILED)\s*\*\s*E\(AU\):\s*(\S+)\s+POINTS\s+(\d+)/;

/** `* OPT END - CONVERGED * E(AU):  -3.128318293403E+03  POINTS   19 *` */
export function optEndLine(state: ParseState, line: string): boolean {
	const match = optEndPattern.exec(line);
	if (!match) return false;
	state.sawOptimisation = true;
	state.optEndConverged = match[1] === "CONVERGED";
	state.optEndEnergy = fortranNumber(match[2]);
	state.optEndPoints = wholeNumber(match[3]);
	state.optEnergy = state.optEndEnergy;
	return true;
}
