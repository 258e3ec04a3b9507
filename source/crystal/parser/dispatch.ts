/**
 * Routes one line to the handler that understands it. Almost every line of an output is data
 * (coordinates, populations, frequencies); its first non-blank character picks one small function
 * below, whose fixed-prefix checks reject most lines before any regular expression runs, which
 * keeps the parser close to the speed of reading the file. The line splitter skips the lines
 * whose first character has no function without making strings of them (see `actedOnStarts`).
 *
 * One small function per character rather than one big switch: V8 compiles what is hot on its
 * own, and a switch holding every handler inlined took longer to optimise than a 60 MB output
 * takes to read (it never finished, on a compiler thread that competed with the parse).
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

type LineHandler = (state: ParseState, line: string, at: number) => void;

/** By the first non-blank character of a line (`at` is its index): what that line may be. */
const byFirstCharacter: Record<string, LineHandler> = {
	A: (state, line, at) => {
		if (line.startsWith("ATOMS IN THE ASYMMETRIC UNIT", at)) atomsLine(state, line);
		else if (line.startsWith("ALPHA BAND GAP", at)) summaryGapLine(state, line, "alpha");
		else if (line.startsWith("ALPHA+BETA ELECTRONS", at) || line.startsWith("ALPHA-BETA ELECTRONS", at))
			spinBlockTitle(state, line);
		else if (line.startsWith("ATOM N.AT.  SHELL", at) && state.sawProperties) propertiesAtomsStart(state);
		else optimisationPoint(state, line, at);
	},
	B: (state, line, at) => {
		if (line.startsWith("BAND GAP:", at)) summaryGapLine(state, line, null);
		else if (line.startsWith("BETA BAND GAP", at)) summaryGapLine(state, line, "beta");
		else if (line.startsWith("BAD TERMINATION", at)) diagnose(state, line);
	},
	C: (state, line, at) => {
		if (line.startsWith("CYC ", at)) cycleLine(state, line);
		else if (line.startsWith("CRYSTAL - ", at)) typeOfCalculationLine(state, line, at);
		else optimisationPoint(state, line, at);
	},
	D: (state, line, at) => {
		if (line.startsWith("DIRECT ENERGY BAND GAP", at)) cycleGapLine(state, line);
		else if (line.startsWith("DISPERSION K POINT", at)) dispersionPointLine(state, line);
		else if (line.startsWith("DIRECT LATTICE VECTOR COMPONENTS (ANGSTROM)", at) && state.sawProperties)
			directVectorsStart(state);
	},
	E: (state, line, at) => {
		if (line.startsWith("EEEEEEEEEE ", at)) {
			if (line.startsWith("EEEEEEEEEE TERMINATION", at)) terminationLine(state);
			else if (line.startsWith("EEEEEEEEEE STARTING", at)) startingLine(state);
		} else if (line.startsWith("ERROR ****", at)) errorLine(state, line);
		else if (line.startsWith("ELASTIC CALCULATION", at)) sectionTitle(state, line.trim());
		else if (line.startsWith("ELASTCON", at)) keywordLine(state, line.trim());
	},
	F: (state, line, at) => {
		if (line.startsWith("FREQUENCY CALCULATION", at)) sectionTitle(state, line.trim());
		else if (line.startsWith("FREQCALC", at)) keywordLine(state, line.trim());
		else if (line.startsWith("FINAL OPTIMIZED GEOMETRY", at)) geometryBlockStart(state, line, "optimised");
	},
	G: (state, line, at) => {
		if (line.startsWith("GEOMETRY FOR WAVE FUNCTION", at)) {
			waveFunctionGeometryLine(state, line, at);
			geometryBlockStart(state, line, "initial");
		} else if (line.startsWith("GENERATING FREQUENCIES", at)) state.phase = "frequencies";
	},
	I: (state, line, at) => {
		if (line.startsWith("INDIRECT ENERGY BAND GAP", at)) cycleGapLine(state, line);
		else optimisationPoint(state, line, at);
	},
	L: (state, line, at) => {
		if (
			line.startsWith("LATTICE PARAMETERS  (ANGSTROM AND DEGREES) - PRIMITIVE CELL", at) &&
			state.sawProperties
		)
			propertiesLatticeStart(state);
	},
	M: (state, line, at) => {
		if (line.startsWith("MAX ", at)) convergenceTestLine(state, line);
		else if (line.startsWith("MPI_", at)) diagnose(state, line);
		else if (line.startsWith("MODES ", at)) modesHeaderLine(state, line);
		else if (line.startsWith("MULLIKEN POPULATION ANALYSIS", at)) mullikenTitle(state, line);
	},
	O: (state, line, at) => {
		if (line.startsWith("OPTGEOM", at)) keywordLine(state, line.trim());
	},
	P: (state, line, at) => {
		if (line.startsWith("POSSIBLY CONDUCTING STATE", at)) noGapLine(state);
	},
	Q: (state, line, at) => {
		if (line.startsWith("QHA", at)) keywordLine(state, line.trim());
		else if (line.startsWith("QUASI-HARMONIC", at)) state.sawFrequencies = true;
	},
	R: (state, line, at) => {
		if (line.startsWith("RMS ", at)) convergenceTestLine(state, line);
	},
	S: (state, line, at) => {
		if (line.startsWith("SPACE GROUP (", at)) symmetryLine(state, line);
		else if (line.startsWith("SPIN LOCKING", at)) noGapLine(state);
		else if (line.startsWith("SYMMETRIZED ELASTIC CONSTANTS", at)) elasticTitle(state, line);
		else if (line.startsWith("SCF FAILED", at) || line.startsWith("SCF NOT CONVERGED", at))
			scfFailureLine(state);
	},
	T: (state, line, at) => {
		if (line.startsWith("TTTTTTTTTT", at)) timingLine(state, line);
		else if (line.startsWith("TOTAL ENERGY(", at)) totalEnergyLine(state, line);
		else if (line.startsWith("TWO-SIDED PLANE GROUP", at)) symmetryLine(state, line);
	},
	W: (state, line, at) => {
		if (line.startsWith("WARNING ****", at)) warningLine(state, line);
		else if (line.startsWith("WEIGHT OF F(I)", at)) thresholdLine(state, line);
	},
	"*": (state, line, at) => {
		if (line.includes("OPT END - ", at)) {
			if (optEndLine(state, line)) diagnose(state, line);
		} else if (state.version === null) bannerLine(state, line);
	},
	"=": (state, line, at) => {
		if (line.startsWith("== SCF ENDED", at)) {
			scfEndedLine(state, line);
			diagnose(state, line);
		} else if (line.startsWith("=>>", at)) diagnose(state, line);
	},
	f: (state, line, at) => {
		if (line.startsWith("forrtl", at)) diagnose(state, line);
	},
	s: (state, line, at) => {
		if (line.startsWith("slurmstepd", at) || line.startsWith("srun", at)) diagnose(state, line);
	},
};

/**
 * The first non-blank characters of the lines some handler above acts on: the line splitter
 * skips every other line unread while no table is being read.
 */
export const actedOnStarts = Object.keys(byFirstCharacter).join("");

const ignore: LineHandler = () => {};
/** The same by character code: one dense array of functions, so the lookup stays cheap. */
const handlers: LineHandler[] = Array.from(
	{ length: 128 },
	(_, code) => byFirstCharacter[String.fromCharCode(code)] ?? ignore,
);

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
	if (at === length || code >= 128) return;
	(handlers[code] as LineHandler)(state, line, at);
}

/** `... OPTIMIZATION - POINT    n`: short lines that start with a letter and end in a number. */
function optimisationPoint(state: ParseState, line: string, at: number): void {
	const length = line.length;
	if (length - at > 60 || length - at < 22) return;
	if (line.indexOf("OPTIMIZATION - POINT", at) < 0) return;
	pointLine(state, line);
}
