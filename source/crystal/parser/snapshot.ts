/**
 * Reads the parser state as the two public shapes: the live Progress and the CrystalResult.
 * Both are fresh objects that share nothing mutable with the state.
 */
import { cutOffDiagnosis, trendDiagnosis } from "../diagnosis.js";
import type { BandGap, CalcType, CrystalResult, Geometry, Progress, ScfTrend } from "../result.js";
import { scfTrend } from "../scf-trend.js";
import type { ParseState } from "./state.js";

export function currentTrend(state: ParseState): ScfTrend | null {
	return state.historyIsOptimisation ? null : scfTrend(state.deltaEs);
}

export function buildProgress(state: ParseState): Progress {
	return {
		phase: state.phase,
		scfCycle: state.scfCycle,
		energyHartree: state.scfEnergy,
		deltaEHartree: state.scfDeltaE,
		deltaEHistory: state.deltaEHistory.slice(),
		optPoint: state.optPoint,
		optEnergyHartree: state.optEnergy,
		optConvergence: state.optConvergence === null ? null : { ...state.optConvergence },
		elapsedSeconds: state.elapsed,
		trend: currentTrend(state),
	};
}

export function calcType(state: ParseState): CalcType | null {
	if (state.sawProperties) return "properties";
	if (state.sawElastic) return "elastic";
	if (state.sawFrequencies) return "freq";
	// Frequencies (QHA volumes, PREOPTGEOM) and elastic constants optimise as a step: the
	// deck's keyword says what the run is for, even before its section title is printed.
	if (state.keywordHint === "freq" || state.keywordHint === "elastic") return state.keywordHint;
	if (state.sawOptimisation) return "optgeom";
	if (state.keywordHint !== null) return state.keywordHint;
	if (state.sawScf) return "scf";
	// A complete run that did none of the above did something else; a run that stopped early
	// (an input error) never said what it would have done.
	return state.terminated ? "other" : null;
}

export function buildResult(state: ParseState): CrystalResult {
	const type = calcType(state);
	const optimisation = type === "optgeom";
	const properties = type === "properties";
	return {
		program: state.program,
		version: state.version,
		calcType: type,
		finalEnergyHartree: finalEnergy(state, type),
		scfConverged: properties ? null : scfConverged(state),
		scfCycles: properties ? null : scfCycles(state),
		optConverged: optimisationStarted(state) ? optConverged(state) : null,
		optCycles: optimisationStarted(state) ? (state.optEndPoints ?? state.optCompletedPoints) : null,
		atomsAsymmetric: state.atomsAsymmetric,
		atomsCell: state.atomsCell,
		dimensionality: state.dimensionality,
		spaceGroup: state.spaceGroup,
		bandGapEv: optimisation ? summaryGap(state) : cycleGap(state, properties),
		terminatedNormally: state.terminated,
		errors: state.errors.slice(),
		warnings: state.warnings.slice(),
		wallTimeSeconds: state.wallTime,
		cpuTimeSeconds: state.cpuTime,
		diagnosis: diagnoses(state),
		initialGeometry: structuredClone(properties ? state.propertiesGeometry : state.initialGeometry),
		finalGeometry: structuredClone(finalGeometry(state, type)),
		optEnergiesHartree:
			optimisationStarted(state) && state.optEnergies.length > 0 ? state.optEnergies.slice() : null,
		optLastTests: state.optLastTests === null ? null : { ...state.optLastTests },
		scfThresholdHartree: state.scfThreshold,
		scfDeltaEsHartree: state.scfDeltaEsAll.slice(),
		frequencies: structuredClone(state.frequencies),
		mulliken: structuredClone(state.mulliken),
		elasticConstantsGpa: structuredClone(state.elasticConstants),
	};
}

/**
 * After an optimisation, the FINAL OPTIMIZED GEOMETRY block (null while none was printed: the
 * input is never passed off as the result); otherwise the geometry the wave function was
 * computed for, or for a properties run the one in its header.
 */
function finalGeometry(state: ParseState, type: CalcType | null): Geometry | null {
	if (state.optimisedGeometry !== null) return state.optimisedGeometry;
	if (type === "properties") return state.propertiesGeometry;
	if (type === "optgeom" || optimisationStarted(state)) return null;
	return state.initialGeometry;
}

function optimisationStarted(state: ParseState): boolean {
	return state.optEndConverged !== null || state.optPoint !== null;
}

/**
 * Optimisations: the OPT END energy, or while unfinished the latest point's. Other runs: the
 * last SCF ENDED line. Properties runs compute no energy (their header energy is the
 * wave function's, from another run).
 */
function finalEnergy(state: ParseState, type: CalcType | null): number | null {
	if (type === "properties") return null;
	if (type === "optgeom") return state.optEndEnergy ?? state.optEnergy ?? state.lastScfEnergy;
	return state.lastScfEnergy;
}

/**
 * The last SCF's outcome; an SCF cut off before its outcome did not converge, and a run in
 * which any SCF failed is never reported converged.
 */
function scfConverged(state: ParseState): boolean | null {
	if (state.scfFailed) return false;
	if (state.scfRunning) return state.complete ? false : state.lastScfConverged;
	return state.lastScfConverged;
}

function scfCycles(state: ParseState): number | null {
	if (state.scfRunning && (state.complete || state.lastScfCycles === null)) return state.scfCycle;
	return state.lastScfCycles;
}

/** Unfinished optimisations are not converged once the output is complete. */
function optConverged(state: ParseState): boolean | null {
	if (state.optEndConverged !== null) return state.optEndConverged;
	return state.complete ? false : null;
}

function summaryGap(state: ParseState): BandGap {
	if (state.summaryAlpha !== null && state.summaryBeta !== null) {
		return { alpha: state.summaryAlpha, beta: state.summaryBeta };
	}
	return state.summaryGap;
}

/** The gap of the final state: none for an SCF that did not converge (or is still running). */
function cycleGap(state: ParseState, properties: boolean): BandGap {
	if (!properties && (state.scfRunning || state.lastScfConverged !== true)) return null;
	const gap = state.currentGap;
	if (gap === null || gap.length === 0) return null;
	if (gap.length === 1) return gap[0] ?? null;
	return { alpha: gap[0] ?? 0, beta: gap[1] ?? 0 };
}

function diagnoses(state: ParseState): CrystalResult["diagnosis"] {
	const list = state.diagnoses.slice();
	const scfUnfinished = state.scfRunning || state.lastScfConverged === false;
	if (scfUnfinished) {
		const trend = currentTrend(state);
		const advice = trend === null ? null : trendDiagnosis(trend);
		if (advice !== null) list.push(advice);
	}
	const explained = list.some((entry) => entry.severity === "error");
	if (state.complete && !state.terminated && !explained && state.program !== null) {
		list.push(cutOffDiagnosis());
	}
	return list;
}
