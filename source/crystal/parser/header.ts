/**
 * The parts of the output that say what was run: banner and version, which program, the kind of
 * calculation, and the geometry the wave function was computed for.
 */
import { wholeNumber } from "./numbers.js";
import type { ParseState } from "./state.js";

const bannerPattern = /^\s*\*\s+(CRYSTAL\d\d)\s+\*\s*$/;
const versionPattern = /^\s*\*\s*(\S.*? : .*?)\s*\*\s*$/;

/** ` *   CRYSTAL17   *` and, a few lines on, ` *   public : 1.0.1 - Feb 1st, 2017   *`. */
export function bannerLine(state: ParseState, line: string): void {
	if (state.version !== null) return;
	if (state.bannerName === null) {
		const banner = bannerPattern.exec(line);
		if (banner) {
			state.bannerName = banner[1] ?? null;
			if (state.program === null) state.program = "CRYSTAL";
			if (state.phase === "starting") state.phase = "input";
		}
		return;
	}
	// MPI ranks may print `PROCESS n OF m WORKING` between the two banner lines: those do not
	// start with `*` and never reach here; the first starred line with ` : ` is the version.
	const version = versionPattern.exec(line);
	if (version) state.version = `${state.bannerName} ${version[1]}`;
}

export function startingLine(state: ParseState): void {
	state.started = true;
	if (state.program === null) state.program = "CRYSTAL";
	if (state.phase === "starting") state.phase = "input";
}

/** `CRYSTAL - PROPERTIES - TYPE OF CALCULATION` / `CRYSTAL - SCF - TYPE OF CALCULATION`. */
export function typeOfCalculationLine(state: ParseState, line: string, at: number): void {
	if (line.startsWith("CRYSTAL - PROPERTIES - TYPE OF CALCULATION", at)) {
		state.program = "PROPERTIES";
		state.sawProperties = true;
		state.phase = "properties";
	} else if (line.startsWith("CRYSTAL - SCF - TYPE OF CALCULATION", at)) {
		state.sawScf = true;
	}
}

/** The centred section titles of FREQCALC and ELASTCON runs. */
export function sectionTitle(state: ParseState, trimmed: string): void {
	if (trimmed === "FREQUENCY CALCULATION") state.sawFrequencies = true;
	else if (trimmed === "ELASTIC CALCULATION") state.sawElastic = true;
}

/** Input keywords that run scripts echo before the banner; weaker than any section title. */
export function keywordLine(state: ParseState, trimmed: string): void {
	if (state.keywordHint === "freq" || state.keywordHint === "elastic") return;
	if (trimmed === "FREQCALC" || trimmed === "QHA") state.keywordHint = "freq";
	else if (trimmed === "ELASTCON") state.keywordHint = "elastic";
	else if (trimmed === "OPTGEOM") state.keywordHint = "optgeom";
}

const spaceGroupPattern = /^\s*SPACE GROUP \([A-Z]*\)\s*:\s*(\S.*?)\s*$/;
const planeGroupPattern = /^\s*TWO-SIDED PLANE GROUP N\.\s*\d+\s*:\s*(\S.*?)\s*$/;

/**
 * The first symmetry line: `SPACE GROUP (CENTROSYMMETRIC) : F D 3 M`, or for slabs
 * `TWO-SIDED PLANE GROUP N. 77 : P 6 M M`. EXTERNAL geometries print only the number
 * (`SPACE  GROUP  N. : 123`), which leaves the symbol unknown.
 */
export function symmetryLine(state: ParseState, line: string): void {
	if (state.sawSymmetry) return;
	const match = spaceGroupPattern.exec(line) ?? planeGroupPattern.exec(line);
	if (match) {
		state.sawSymmetry = true;
		state.spaceGroup = match[1] ?? null;
	}
}

const dimensionalityPattern = /DIMENSIONALITY OF THE SYSTEM\s+(\d+)/;

/** `GEOMETRY FOR WAVE FUNCTION - DIMENSIONALITY OF THE SYSTEM    3`: the geometry computed. */
export function waveFunctionGeometryLine(state: ParseState, line: string, at: number): void {
	if (!line.startsWith("GEOMETRY FOR WAVE FUNCTION", at) || state.waveFunctionGeometry) return;
	state.waveFunctionGeometry = true;
	state.dimensionality = wholeNumber(dimensionalityPattern.exec(line)?.[1]);
}

const atomsPattern = /ATOMS IN THE ASYMMETRIC UNIT\s+(\d+)\s+-\s+ATOMS IN THE UNIT CELL:\s+(\d+)/;

/** The first atom counts printed after `GEOMETRY FOR WAVE FUNCTION`. */
export function atomsLine(state: ParseState, line: string): void {
	if (!state.waveFunctionGeometry || state.atomsAsymmetric !== null) return;
	const match = atomsPattern.exec(line);
	if (match) {
		state.atomsAsymmetric = wholeNumber(match[1]);
		state.atomsCell = wholeNumber(match[2]);
	}
}
