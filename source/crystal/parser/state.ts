/**
 * Everything the parser remembers while reading one output, in one flat object. Only scalars
 * and small bounded arrays live here, so memory does not grow with the length of the output.
 */
import type {
	CalcType,
	Diagnosis,
	Frequencies,
	Geometry,
	Mulliken,
	OptConvergenceTests,
	OptPointTests,
	Phase,
	Program,
} from "../result.js";

/**
 * A table being read over several lines (a geometry, a frequency table, a population
 * analysis). It sees every line first; true means the line was its own.
 */
export type BlockReader = (state: ParseState, line: string) => boolean;

/** Caps for the tables: a corrupt output must not grow memory without bound. */
export const maxTableRows = 100_000;

/** How many recent SCF cycles (or optimisation points) the live view keeps. */
export const historyLength = 60;
/** Caps on collected messages: a run that repeats one warning per rank must not grow memory. */
export const maxMessages = 50;

export interface ParseState {
	program: Program | null;
	/** Banner name (`CRYSTAL17`) waiting for its version line. */
	bannerName: string | null;
	version: string | null;
	started: boolean;

	// Calculation kind, from the output's own section headers (strongest first) ...
	sawProperties: boolean;
	sawElastic: boolean;
	sawFrequencies: boolean;
	sawOptimisation: boolean;
	sawScf: boolean;
	/** ... and from input keywords echoed by run scripts, used only when no header was seen. */
	keywordHint: CalcType | null;

	// Geometry and symmetry.
	spaceGroup: string | null;
	sawSymmetry: boolean;
	waveFunctionGeometry: boolean;
	atomsAsymmetric: number | null;
	atomsCell: number | null;
	dimensionality: number | null;

	// SCF: the SCF in progress and the outcome of the last finished one.
	scfCycle: number | null;
	scfEnergy: number | null;
	scfDeltaE: number | null;
	/** CYC lines seen since the last SCF outcome: an SCF is running (or was cut off). */
	scfRunning: boolean;
	lastScfConverged: boolean | null;
	/** Some SCF of the run failed (a later optimisation point or strain): never "converged". */
	scfFailed: boolean;
	lastScfEnergy: number | null;
	lastScfCycles: number | null;
	/** Signed deltaE of the recent cycles of the current SCF (bounded), for the trend. */
	deltaEs: number[];
	/** log10|deltaE| of the same cycles, for the sparkline. */
	deltaEHistory: number[];
	/** The history holds optimisation-point changes, not SCF cycles. */
	historyIsOptimisation: boolean;

	// Optimisation.
	optPoint: number | null;
	/** Last point whose energy was printed: the points an unfinished optimisation completed. */
	optCompletedPoints: number | null;
	optEnergy: number | null;
	optConvergence: OptConvergenceTests | null;
	optEndConverged: boolean | null;
	optEndEnergy: number | null;
	optEndPoints: number | null;

	// Band gap: the gap lines of the latest SCF cycle or NEWK, or the state that printed none.
	gapGroup: number[];
	gapGroupOpen: boolean;
	/** Gap of the latest cycle; null when that cycle was conducting or spin-locked. */
	currentGap: number[] | null;
	/** Post-OPT-END summary of an optimisation. */
	summaryGap: number | null;
	summaryAlpha: number | null;
	summaryBeta: number | null;

	// End of the run.
	terminated: boolean;
	wallTime: number | null;
	cpuTime: number | null;
	elapsed: number | null;
	errors: string[];
	warnings: string[];
	diagnoses: Diagnosis[];
	phase: Phase;
	/** end() was called: the output is complete. */
	complete: boolean;

	// Tables read over several lines (see BlockReader).
	block: BlockReader | null;
	/** The first `GEOMETRY FOR WAVE FUNCTION` block. */
	initialGeometry: Geometry | null;
	/** The `FINAL OPTIMIZED GEOMETRY` block after OPT END. */
	optimisedGeometry: Geometry | null;
	/** The structure in a properties output's header (Cartesian atoms made fractional). */
	propertiesGeometry: Geometry | null;
	/** Direct lattice vectors (Angstrom) of a properties header, for its Cartesian atoms. */
	propertiesVectors: number[][];
	optEnergies: number[];
	/** Optimisation point whose energy is the last entry of optEnergies. */
	optEnergiesPoint: number | null;
	optLastTests: OptPointTests | null;
	scfThreshold: number | null;
	/** deltaE of every cycle of the current (or last) SCF, bounded by maxTableRows. */
	scfDeltaEsAll: number[];
	/** k point of the frequency table that follows: Gamma or not; null outside dispersion runs. */
	frequencyAtGamma: boolean | null;
	frequencies: Frequencies | null;
	/** Kind of the Mulliken block announced by `ALPHA+BETA` / `ALPHA-BETA ELECTRONS`. */
	mullikenKind: "charges" | "spins" | null;
	mulliken: Mulliken | null;
	elasticConstants: number[][] | null;
	/** A partial last line (the output ended inside it) is being read. */
	partialLine: boolean;
}

export function createState(): ParseState {
	return {
		program: null,
		bannerName: null,
		version: null,
		started: false,
		sawProperties: false,
		sawElastic: false,
		sawFrequencies: false,
		sawOptimisation: false,
		sawScf: false,
		keywordHint: null,
		spaceGroup: null,
		sawSymmetry: false,
		waveFunctionGeometry: false,
		atomsAsymmetric: null,
		atomsCell: null,
		dimensionality: null,
		scfCycle: null,
		scfEnergy: null,
		scfDeltaE: null,
		scfRunning: false,
		lastScfConverged: null,
		scfFailed: false,
		lastScfEnergy: null,
		lastScfCycles: null,
		deltaEs: [],
		deltaEHistory: [],
		historyIsOptimisation: false,
		optPoint: null,
		optCompletedPoints: null,
		optEnergy: null,
		optConvergence: null,
		optEndConverged: null,
		optEndEnergy: null,
		optEndPoints: null,
		gapGroup: [],
		gapGroupOpen: false,
		currentGap: null,
		summaryGap: null,
		summaryAlpha: null,
		summaryBeta: null,
		terminated: false,
		wallTime: null,
		cpuTime: null,
		elapsed: null,
		errors: [],
		warnings: [],
		diagnoses: [],
		phase: "starting",
		complete: false,
		block: null,
		initialGeometry: null,
		optimisedGeometry: null,
		propertiesGeometry: null,
		propertiesVectors: [],
		optEnergies: [],
		optEnergiesPoint: null,
		optLastTests: null,
		scfThreshold: null,
		scfDeltaEsAll: [],
		frequencyAtGamma: null,
		frequencies: null,
		mullikenKind: null,
		mulliken: null,
		elasticConstants: null,
		partialLine: false,
	};
}

/** Appends to a bounded list, dropping the oldest entry. */
export function pushBounded<T>(list: T[], value: T, limit: number): void {
	if (list.length >= limit) list.shift();
	list.push(value);
}

/** Adds a message once; keeps the first `maxMessages` distinct ones. */
export function addMessage(list: string[], message: string): void {
	if (list.length < maxMessages && !list.includes(message)) list.push(message);
}
