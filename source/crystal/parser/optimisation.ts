/** Geometry optimisation: points, convergence tests and the final OPT END line. */
import { closeGapGroup } from "./band-gap.js";
import { fortranNumber, wholeNumber } from "./numbers.js";
import type { ParseState } from "./state.js";

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

const testPattern = /^\s*(\S.*?)\s+\S+\s+THRESHOLD\s+\S+\s+CONVERGED\s+(YES|NO)\b/;

/** `MAX GRADIENT      0.000357  THRESHOLD              0.000450 CONVERGED YES` */
export function convergenceTestLine(state: ParseState, line: string): void {
	const match = testPattern.exec(line);
	if (!match || match[1] === undefined) return;
	state.optConvergence = { ...state.optConvergence, [match[1]]: match[2] === "YES" };
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
