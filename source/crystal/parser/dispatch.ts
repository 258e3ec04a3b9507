/**
 * Routes one line to the handler that understands it. Almost every line of an output is data
 * (coordinates, populations, frequencies); a switch on its first non-blank character and a
 * fixed-prefix check reject those before any regular expression runs, which keeps the parser
 * close to the speed of reading the file.
 */
import { cycleGapLine, noGapLine, summaryGapLine } from "./band-gap.js";
import { elasticTitle } from "./elastic.js";
import { dispersionPointLine, modesHeaderLine } from "./frequencies.js";
import {
	directVectorsStart,
	geometryBlockStart,
	propertiesAtomsStart,
	propertiesLatticeStart,
} from "./geometry.js";
import {
	atomsLine,
	bannerLine,
	keywordLine,
	sectionTitle,
	startingLine,
	symmetryLine,
	typeOfCalculationLine,
	waveFunctionGeometryLine,
} from "./header.js";
import { diagnose, errorLine, warningLine } from "./messages.js";
import { mullikenTitle, spinBlockTitle } from "./mulliken.js";
import { convergenceTestLine, optEndLine, pointLine } from "./optimisation.js";
import { cycleLine, scfEndedLine, scfFailureLine, thresholdLine, totalEnergyLine } from "./scf.js";
import type { ParseState } from "./state.js";
import { terminationLine, timingLine } from "./timing.js";

/**
 * The first non-blank characters of the lines the switch below acts on: the line splitter skips
 * every other line unread while no table is being read. Keep it in step with the cases.
 */
export const actedOnStarts = "ABCDEFGILMOPQRSTW*=fs";

export function dispatchLine(state: ParseState, line: string): void {
	// A table in progress sees every line first, blank ones included (they end most tables).
	if (state.block?.(state, line)) return;
	const length = line.length;
	let at = 0;
	let code = 0;
	while (at < length) {
		code = line.charCodeAt(at);
		if (code !== 32 && code !== 9) break;
		at++;
	}
	if (at === length) return;
	switch (code) {
		case 65: // A
			if (line.startsWith("ATOMS IN THE ASYMMETRIC UNIT", at)) atomsLine(state, line);
			else if (line.startsWith("ALPHA BAND GAP", at)) summaryGapLine(state, line, "alpha");
			else if (line.startsWith("ALPHA+BETA ELECTRONS", at) || line.startsWith("ALPHA-BETA ELECTRONS", at))
				spinBlockTitle(state, line);
			else if (line.startsWith("ATOM N.AT.  SHELL", at) && state.sawProperties) propertiesAtomsStart(state);
			else optimisationPoint(state, line, at);
			return;
		case 66: // B
			if (line.startsWith("BAND GAP:", at)) summaryGapLine(state, line, null);
			else if (line.startsWith("BETA BAND GAP", at)) summaryGapLine(state, line, "beta");
			else if (line.startsWith("BAD TERMINATION", at)) diagnose(state, line);
			return;
		case 67: // C
			if (line.startsWith("CYC ", at)) cycleLine(state, line);
			else if (line.startsWith("CRYSTAL - ", at)) typeOfCalculationLine(state, line, at);
			else optimisationPoint(state, line, at);
			return;
		case 68: // D
			if (line.startsWith("DIRECT ENERGY BAND GAP", at)) cycleGapLine(state, line);
			else if (line.startsWith("DISPERSION K POINT", at)) dispersionPointLine(state, line);
			else if (line.startsWith("DIRECT LATTICE VECTOR COMPONENTS (ANGSTROM)", at) && state.sawProperties)
				directVectorsStart(state);
			return;
		case 69: // E
			if (line.startsWith("EEEEEEEEEE ", at)) {
				if (line.startsWith("EEEEEEEEEE TERMINATION", at)) terminationLine(state);
				else if (line.startsWith("EEEEEEEEEE STARTING", at)) startingLine(state);
			} else if (line.startsWith("ERROR ****", at)) errorLine(state, line);
			else if (line.startsWith("ELASTIC CALCULATION", at)) sectionTitle(state, line.trim());
			else if (line.startsWith("ELASTCON", at)) keywordLine(state, line.trim());
			return;
		case 70: // F
			if (line.startsWith("FREQUENCY CALCULATION", at)) sectionTitle(state, line.trim());
			else if (line.startsWith("FREQCALC", at)) keywordLine(state, line.trim());
			else if (line.startsWith("FINAL OPTIMIZED GEOMETRY", at)) geometryBlockStart(state, line, "optimised");
			return;
		case 71: // G
			if (line.startsWith("GEOMETRY FOR WAVE FUNCTION", at)) {
				waveFunctionGeometryLine(state, line, at);
				geometryBlockStart(state, line, "initial");
			} else if (line.startsWith("GENERATING FREQUENCIES", at)) state.phase = "frequencies";
			return;
		case 73: // I
			if (line.startsWith("INDIRECT ENERGY BAND GAP", at)) cycleGapLine(state, line);
			else optimisationPoint(state, line, at);
			return;
		case 76: // L
			if (
				line.startsWith("LATTICE PARAMETERS  (ANGSTROM AND DEGREES) - PRIMITIVE CELL", at) &&
				state.sawProperties
			)
				propertiesLatticeStart(state);
			return;
		case 77: // M
			if (line.startsWith("MAX ", at)) convergenceTestLine(state, line);
			else if (line.startsWith("MPI_", at)) diagnose(state, line);
			else if (line.startsWith("MODES ", at)) modesHeaderLine(state, line);
			else if (line.startsWith("MULLIKEN POPULATION ANALYSIS", at)) mullikenTitle(state, line);
			return;
		case 79: // O
			if (line.startsWith("OPTGEOM", at)) keywordLine(state, line.trim());
			return;
		case 80: // P
			if (line.startsWith("POSSIBLY CONDUCTING STATE", at)) noGapLine(state);
			return;
		case 81: // Q
			if (line.startsWith("QHA", at)) keywordLine(state, line.trim());
			else if (line.startsWith("QUASI-HARMONIC", at)) state.sawFrequencies = true;
			return;
		case 82: // R
			if (line.startsWith("RMS ", at)) convergenceTestLine(state, line);
			return;
		case 83: // S
			if (line.startsWith("SPACE GROUP (", at)) symmetryLine(state, line);
			else if (line.startsWith("SPIN LOCKING", at)) noGapLine(state);
			else if (line.startsWith("SYMMETRIZED ELASTIC CONSTANTS", at)) elasticTitle(state, line);
			else if (line.startsWith("SCF FAILED", at) || line.startsWith("SCF NOT CONVERGED", at))
				scfFailureLine(state);
			return;
		case 84: // T
			if (line.startsWith("TTTTTTTTTT", at)) timingLine(state, line);
			else if (line.startsWith("TOTAL ENERGY(", at)) totalEnergyLine(state, line);
			else if (line.startsWith("TWO-SIDED PLANE GROUP", at)) symmetryLine(state, line);
			return;
		case 87: // W
			if (line.startsWith("WARNING ****", at)) warningLine(state, line);
			else if (line.startsWith("WEIGHT OF F(I)", at)) thresholdLine(state, line);
			return;
		case 42: // *
			if (line.includes("OPT END - ", at)) {
				if (optEndLine(state, line)) diagnose(state, line);
			} else if (state.version === null) bannerLine(state, line);
			return;
		case 61: // =
			if (line.startsWith("== SCF ENDED", at)) {
				scfEndedLine(state, line);
				diagnose(state, line);
			} else if (line.startsWith("=>>", at)) diagnose(state, line);
			return;
		case 102: // f
			if (line.startsWith("forrtl", at)) diagnose(state, line);
			return;
		case 115: // s
			if (line.startsWith("slurmstepd", at) || line.startsWith("srun", at)) diagnose(state, line);
			return;
		default:
			return;
	}
}

/** `... OPTIMIZATION - POINT    n`: short lines that start with a letter and end in a number. */
function optimisationPoint(state: ParseState, line: string, at: number): void {
	const length = line.length;
	if (length - at > 60 || length - at < 22) return;
	if (line.indexOf("OPTIMIZATION - POINT", at) < 0) return;
	pointLine(state, line);
}
