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

/**
 * Cell parameters as printed (Angstrom, degrees; primitive cell). A 2D slab has only a, b and
 * gamma, a 1D polymer only a, a molecule none: the others are null.
 */
export interface Lattice {
	a: number | null;
	b: number | null;
	c: number | null;
	alpha: number | null;
	beta: number | null;
	gamma: number | null;
}

export interface GeometryAtom {
	/** Element symbol, e.g. "Ni" (CRYSTAL prints it in upper case). */
	symbol: string;
	/** The element's atomic number: CRYSTAL's conventional number modulo 100 (108 is O with a second basis set). */
	atomicNumber: number;
	/**
	 * Fractional coordinates along the periodic directions; along a non-periodic direction
	 * (z of a slab, y and z of a polymer, all three of a molecule) Cartesian Angstrom, as CRYSTAL
	 * prints them.
	 */
	fractional: [number, number, number];
}

export interface Geometry {
	/** 3 crystal, 2 slab, 1 polymer, 0 molecule; null when the output does not say. */
	dimensionality: number | null;
	lattice: Lattice;
	/** Cell volume, cubic Angstrom; null for 2D/1D/0D. */
	volume: number | null;
	atoms: GeometryAtom[];
}

/** One convergence test of an optimisation point, in CRYSTAL's units (bohr, hartree/bohr). */
export interface OptTest {
	value: number;
	threshold: number;
	converged: boolean;
}

export interface OptPointTests {
	maxGradient: OptTest | null;
	rmsGradient: OptTest | null;
	maxDisplacement: OptTest | null;
	rmsDisplacement: OptTest | null;
}

/** The last Gamma-point frequency table, one entry per mode (degenerate groups expanded). */
export interface Frequencies {
	/** Wavenumbers, cm^-1; imaginary modes negative, as printed. */
	gammaCm1: number[];
	/** Modes printed with a negative wavenumber (near-zero translations included, as printed). */
	imaginary: number;
	/** Integrated IR intensities, km/mol, where the table prints them. */
	irIntensities: number[] | null;
	/** Irreducible representation of each mode as printed, e.g. "Fu" (numbers in dispersion runs). */
	irreps: string[];
	/** IR / Raman activity (A active, I inactive) where printed. */
	irActive: boolean[] | null;
	ramanActive: boolean[] | null;
}

/** The last Mulliken population analysis, per atom in the order of the cell. */
export interface Mulliken {
	/** CRYSTAL's CHARGE column: the electron population of each atom (net charge = Z - value). */
	charges: number[];
	/** Spin population (alpha - beta electrons) of each atom; null for closed shells. */
	spins: number[] | null;
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
	/** The geometry the first SCF was computed for (`GEOMETRY FOR WAVE FUNCTION`). */
	initialGeometry: Geometry | null;
	/**
	 * The structure the run ends with: after OPT END for an optimisation (null until then,
	 * never the input), else the wave function's geometry (a properties run: its header).
	 */
	finalGeometry: Geometry | null;
	/** Energy of each optimisation point in order, Hartree (rejected steps included). */
	optEnergiesHartree: number[] | null;
	/** The convergence tests of the last optimisation point printed. */
	optLastTests: OptPointTests | null;
	/** CRYSTAL's SCF convergence threshold on the energy (TOLDEE), Hartree. */
	scfThresholdHartree: number | null;
	/** The energy change of each cycle of the last SCF printed, Hartree, cycle 1 first. */
	scfDeltaEsHartree: number[];
	frequencies: Frequencies | null;
	mulliken: Mulliken | null;
	/** The symmetrised elastic tensor (Voigt notation, 6x6 for 3D), GPa. */
	elasticConstantsGpa: number[][] | null;
}

/** The detailed results of an output that holds none of them, for building results by hand. */
export function noDetailedResults(): Pick<
	CrystalResult,
	| "initialGeometry"
	| "finalGeometry"
	| "optEnergiesHartree"
	| "optLastTests"
	| "scfThresholdHartree"
	| "scfDeltaEsHartree"
	| "frequencies"
	| "mulliken"
	| "elasticConstantsGpa"
> {
	return {
		initialGeometry: null,
		finalGeometry: null,
		optEnergiesHartree: null,
		optLastTests: null,
		scfThresholdHartree: null,
		scfDeltaEsHartree: [],
		frequencies: null,
		mulliken: null,
		elasticConstantsGpa: null,
	};
}
