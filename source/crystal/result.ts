/**
 * What the parser reports. These shapes are the contract between the parser, the runner
 * (its `progress` and `result` events carry them unchanged) and the UI.
 * Unknown values are null, never 0 or "".
 */

export type Program = "CRYSTAL" | "PROPERTIES";

export type CalcType = "scf" | "optgeom" | "freq" | "elastic" | "properties" | "other";

/** A number for closed-shell results, one gap per spin for spin-polarised ones. */
export type BandGap = number | { alpha: number; beta: number } | null;

export type Phase =
	| "starting"
	| "input"
	| "integrals"
	| "scf"
	| "optimisation"
	| "frequencies"
	| "elastic"
	| "properties"
	| "finished";

export type ScfTrendKind = "converging" | "slow" | "oscillating" | "diverging" | "stuck";

export interface ScfTrend {
	kind: ScfTrendKind;
	/** One sentence a scientist can act on, e.g. "add FMIXING 60 or LEVSHIFT 5 1". */
	advice: string;
}

export interface Diagnosis {
	/** Stable identifier of the catalogue entry, e.g. "scf-too-many-cycles". */
	id: string;
	severity: "error" | "warning" | "info";
	/** The output line that triggered it (trimmed), or null for trend-based entries. */
	line: string | null;
	/** Plain-language cause. */
	cause: string;
	/** The concrete edit to make: keywords and values. */
	fix: string;
}

export interface OptConvergenceTests {
	/** e.g. { "MAX GRADIENT": true, "RMS GRADIENT": false, ... } as printed. */
	[test: string]: boolean;
}

/** Live view of a running (or finished) output, cheap to copy. */
export interface Progress {
	phase: Phase;
	/** SCF cycle number of the SCF in progress (or last finished). */
	scfCycle: number | null;
	/** Total energy of the latest SCF cycle, Hartree. */
	energyHartree: number | null;
	/** Energy change of the latest SCF cycle, Hartree. */
	deltaEHartree: number | null;
	/** log10|deltaE| of the recent cycles of the current SCF, oldest first (bounded). */
	deltaEHistory: number[];
	/** Optimisation point in progress (1-based), null outside optimisations. */
	optPoint: number | null;
	/** Energy of the latest completed optimisation point, Hartree. */
	optEnergyHartree: number | null;
	optConvergence: OptConvergenceTests | null;
	/** TELAPSE of the latest TTTT line, seconds. */
	elapsedSeconds: number | null;
	trend: ScfTrend | null;
}

/** The final answer for one output file. Key order is the `parse --json` order. */
export interface CrystalResult {
	program: Program | null;
	version: string | null;
	calcType: CalcType | null;
	finalEnergyHartree: number | null;
	scfConverged: boolean | null;
	scfCycles: number | null;
	optConverged: boolean | null;
	optCycles: number | null;
	atomsAsymmetric: number | null;
	atomsCell: number | null;
	dimensionality: number | null;
	spaceGroup: string | null;
	bandGapEv: BandGap;
	terminatedNormally: boolean;
	errors: string[];
	warnings: string[];
	wallTimeSeconds: number | null;
	cpuTimeSeconds: number | null;
	diagnosis: Diagnosis[];
}
