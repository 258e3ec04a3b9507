/** SCF cycles, SCF outcomes and the total-energy lines that follow them. */
import { closeGapGroup } from "./band-gap.js";
import { fortranNumber, wholeNumber } from "./numbers.js";
import { recordPointEnergy } from "./optimisation.js";
import { historyLength, maxTableRows, type ParseState, pushBounded } from "./state.js";

const cyclePattern = /^\s*CYC\s+(\d+)\s+ETOT\(AU\)\s+(\S+)\s+DETOT\s+(\S+)/;

/** `CYC   5 ETOT(AU) -3.128267639675E+03 DETOT -3.41E-02 tst  1.04E-02 PX  1.13E-01` */
export function cycleLine(state: ParseState, line: string): void {
	const match = cyclePattern.exec(line);
	if (!match) return;
	const cycle = wholeNumber(match[1]);
	if (cycle === null) return;
	if (!state.scfRunning || state.scfCycle === null || cycle <= state.scfCycle) startScf(state);
	state.sawScf = true;
	state.scfRunning = true;
	state.scfCycle = cycle;
	state.scfEnergy = fortranNumber(match[2]);
	state.phase = "scf";
	closeGapGroup(state);
	// DETOT of cycle 0 is the whole energy (the change from zero): not a convergence signal.
	const deltaE = cycle === 0 ? null : fortranNumber(match[3]);
	state.scfDeltaE = deltaE;
	if (deltaE !== null) {
		if (state.scfDeltaEsAll.length < maxTableRows) state.scfDeltaEsAll.push(deltaE);
		pushBounded(state.deltaEs, deltaE, historyLength);
		pushBounded(state.deltaEHistory, log10Magnitude(deltaE), historyLength);
	}
}

function startScf(state: ParseState): void {
	state.scfDeltaEsAll = [];
	state.deltaEs.length = 0;
	state.deltaEHistory.length = 0;
	state.historyIsOptimisation = false;
}

const scfEndedPattern = /SCF ENDED - (.*?)\s+E\(AU\)\s*(\S+)\s+CYCLES\s+(\d+)/;

/**
 * `== SCF ENDED - CONVERGENCE ON ENERGY      E(AU) -3.1282834832786E+03 CYCLES  16`, or
 * `== SCF ENDED - TOO MANY CYCLES ...` when MAXCYCLE was reached.
 */
export function scfEndedLine(state: ParseState, line: string): void {
	const match = scfEndedPattern.exec(line);
	if (!match) return;
	state.sawScf = true;
	state.scfRunning = false;
	state.lastScfConverged = (match[1] ?? "").startsWith("CONVERGENCE");
	if (!state.lastScfConverged) state.scfFailed = true;
	state.lastScfEnergy = fortranNumber(match[2]);
	state.lastScfCycles = wholeNumber(match[3]);
	state.scfEnergy = state.lastScfEnergy;
	state.scfCycle = state.lastScfCycles;
	closeGapGroup(state);
	if (state.sawOptimisation) state.phase = "optimisation";
	else if (state.sawElastic) state.phase = "elastic";
	else if (state.sawFrequencies) state.phase = "frequencies";
}

const totalEnergyPattern =
	/^\s*TOTAL ENERGY\(\w+\)\(AU\)\(\s*(\d+)\)\s*(\S+)\s+DE\s*(\(AU\))?\s*([-+]?[0-9.]+(?:[EeDd][-+]?\d+)?)/;

/**
 * `TOTAL ENERGY(DFT)(AU)( 25) -1.2635689268134E+03     DE (AU)   -7.667E-07`: the energy of an
 * optimisation point (whose SCF went to SCFOUT.LOG) or the summary after an SCF. The `DE (AU)`
 * form carries the change from the previous point; the short form after `SCF ENDED` carries the
 * last cycle's change.
 */
export function totalEnergyLine(state: ParseState, line: string): void {
	const match = totalEnergyPattern.exec(line);
	if (!match) return;
	const energy = fortranNumber(match[2]);
	const deltaE = fortranNumber(match[4]);
	state.scfCycle = wholeNumber(match[1]);
	state.scfEnergy = energy;
	state.scfDeltaE = deltaE;
	if (!state.sawOptimisation) return;
	recordPointEnergy(state, energy);
	state.optEnergy = energy;
	state.optCompletedPoints = state.optPoint;
	if (match[3] === undefined || deltaE === null) return;
	if (!state.historyIsOptimisation) {
		state.deltaEs.length = 0;
		state.deltaEHistory.length = 0;
		state.historyIsOptimisation = true;
	}
	pushBounded(state.deltaEs, deltaE, historyLength);
	pushBounded(state.deltaEHistory, log10Magnitude(deltaE), historyLength);
}

/** log10|x|, with an exact zero shown as the floor of the sparkline rather than -Infinity. */
function log10Magnitude(value: number): number {
	return value === 0 ? -16 : Math.log10(Math.abs(value));
}

const thresholdPattern = /CONVERGENCE ON ENERGY\s+10\*\*\s*(-?\s*\d+)/;

/** `WEIGHT OF F(I) IN F(I+1)      30% CONVERGENCE ON ENERGY        10**- 7`: TOLDEE. */
export function thresholdLine(state: ParseState, line: string): void {
	const match = thresholdPattern.exec(line);
	if (!match || match[1] === undefined) return;
	const exponent = Number(match[1].replace(/\s+/g, ""));
	if (Number.isInteger(exponent)) state.scfThreshold = 10 ** exponent;
}

/**
 * A failed SCF reported outside an `SCF ENDED` line: an optimisation point or a strain whose SCF
 * went to SCFOUT.LOG, e.g. ` ERROR **** SCF **** SCF FAILED ...` or a plain `SCF FAILED` line.
 */
export function scfFailureLine(state: ParseState): void {
	state.scfFailed = true;
	state.scfRunning = false;
	state.lastScfConverged = false;
}
