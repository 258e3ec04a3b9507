/**
 * CRYSTAL's own messages (and the scheduler's, for runs killed from outside) mapped to a plain
 * cause and the edit to make. Entries are tried in order; the first whose pattern matches a line
 * wins, so specific messages come before the general ones.
 */
import type { Diagnosis } from "../result.js";

export interface CatalogueEntry {
	id: string;
	severity: Diagnosis["severity"];
	pattern: RegExp;
	cause: string | ((match: RegExpExecArray) => string);
	fix: string | ((match: RegExpExecArray) => string);
	/** Which recovery ladder (diagnosis/ladders.ts) answers this failure: "stop" for failures no
	 * deck edit fixes (the run stops and the diagnosis explains), "none" for notes that are not
	 * failures. */
	recovery: Recovery;
}

export type Recovery = "scf" | "optimisation" | "time-limit" | "stop" | "none";

/** What to do to carry on from where a stopped run got to, rather than from scratch. */
const continueRun =
	"continue rather than start over: an optimisation with RESTART in the OPTGEOM block and NAME.optinfo / NAME.hessopt beside the deck (staged as OPTINFO.DAT / HESSOPT.DAT), an SCF with GUESSP and NAME.f9 beside the deck (staged as fort.20)";

export const catalogue: readonly CatalogueEntry[] = [
	{
		id: "scf-too-many-cycles",
		severity: "error",
		pattern: /SCF ENDED - TOO MANY CYCLES/,
		cause:
			"The SCF did not converge within the allowed number of cycles (MAXCYCLE); the energy printed is not a converged result.",
		fix: "Raise MAXCYCLE (e.g. MAXCYCLE 200) and help convergence: FMIXING 70 or LEVSHIFT 5 1 against oscillations, ANDERSON or BROYDEN 0.0001 50 2 to accelerate, SMEAR 0.005 for a metal; start from this run's density with GUESSP and NAME.f9 staged.",
		recovery: "scf",
	},
	{
		id: "opt-failed",
		severity: "error",
		pattern: /OPT END - FAILED/,
		cause:
			"The geometry optimisation stopped before its convergence tests were all satisfied (usually the MAXCYCLE of OPTGEOM was reached).",
		fix: "Raise MAXCYCLE inside the OPTGEOM block (e.g. MAXCYCLE 200) and restart from the last point: add RESTART to OPTGEOM with NAME.optinfo and NAME.hessopt beside the deck (staged as OPTINFO.DAT and HESSOPT.DAT); GUESSP with NAME.f9 saves the first SCF.",
		recovery: "optimisation",
	},
	{
		id: "input-keyword",
		severity: "error",
		pattern:
			/^\s*ERROR \*{4}\s*(INPUT|KEYWORD)\s*\*{4}|UNKNOWN KEYWORD|KEYWORD NOT ALLOWED|KEYWORD NOT RECOGNI[SZ]ED/,
		cause:
			"CRYSTAL stopped while reading the input: a keyword is misspelt, sits in the wrong input block, or a block is missing its END.",
		fix: "Correct the keyword named in the message in NAME.d12 (spelling, and the block it belongs to: geometry, basis set, or Hamiltonian/SCF; each block closes with END), then run again.",
		recovery: "stop",
	},
	{
		id: "basis-linear-dependence",
		severity: "error",
		pattern: /LINEARLY DEPENDENT|LINEAR DEPENDENCE/,
		cause:
			"The overlap matrix is singular: the basis set has functions so diffuse that they become linearly dependent in the crystal.",
		fix: "Remove or contract the most diffuse basis functions (exponents below about 0.1 bohr^-2), or let CRYSTAL drop them with LDREMO 4 in the third input block; tighter TOLINTEG (e.g. TOLINTEG 8 8 8 8 16) helps when the dependence is only near.",
		recovery: "stop",
	},
	{
		id: "memory",
		severity: "error",
		pattern:
			/^\s*ERROR \*{4}.*(MEMORY|ALLOCAT|INSUFFICIENT|NOT ENOUGH)|oom[-_ ]kill|[Oo]ut of memory|OUT OF MEMORY|exceeded memory limit/,
		cause: "The run ran out of memory.",
		fix: "Give each rank more memory (e.g. #SBATCH --mem-per-cpu=4G) or use more nodes with fewer ranks per node; with Pcrystal/MPPcrystal more ranks also split the large arrays. Then continue from the last point (GUESSP with NAME.f9, or RESTART for an optimisation).",
		recovery: "stop",
	},
	{
		id: "integrals",
		severity: "error",
		pattern: /^\s*ERROR \*{4}\s*(INT_|SHELX|MONMO|BIEL|TOLINT|PSEUDO).*|^\s*ERROR \*{4}.*INTEGRAL/,
		cause:
			"CRYSTAL failed in the integral evaluation: the integral tolerances are too loose for this basis set and geometry.",
		fix: "Tighten the integral tolerances in the third input block, e.g. TOLINTEG 8 8 8 8 16 (default 7 7 7 7 14), and check for very diffuse basis functions.",
		recovery: "stop",
	},
	{
		id: "walltime",
		severity: "error",
		pattern: /DUE TO TIME LIMIT|walltime \S+ exceeded|TIME LIMIT EXCEEDED|job killed: walltime/i,
		cause: "The scheduler stopped the job when it reached its time limit.",
		fix: `Request more walltime (e.g. #SBATCH --time=48:00:00, or a longer partition) or more ranks, and ${continueRun}.`,
		recovery: "time-limit",
	},
	{
		id: "job-cancelled",
		severity: "error",
		pattern: /\*\*\* JOB \S+ ON \S+ CANCELLED AT|scancel|job killed/i,
		cause: "The scheduler cancelled the job (by a user or an administrator) before CRYSTAL finished.",
		fix: `Submit again; ${continueRun}.`,
		recovery: "stop",
	},
	{
		id: "missing-guess-wavefunction",
		severity: "error",
		pattern: /forrtl: severe \(\d+\): .*unit 20\b/,
		cause: "GUESSP asks for the wave function of an earlier run (fort.20), and there was none to read.",
		fix: "Put the earlier run's fort.9 beside the deck as NAME.f9 (it is staged as fort.20), or remove GUESSP to start from scratch.",
		recovery: "stop",
	},
	{
		id: "missing-external-geometry",
		severity: "error",
		pattern: /forrtl: severe \(\d+\): .*unit 34\b/,
		cause: "EXTERNAL reads the geometry from fort.34, and there was none to read.",
		fix: "Put the geometry (fort.34 format, e.g. an earlier optimisation's NAME.gui) beside the deck as NAME.gui, or give the geometry in the deck instead of EXTERNAL.",
		recovery: "stop",
	},
	{
		id: "process-crashed",
		severity: "error",
		pattern:
			/forrtl: severe|Segmentation fault|SIGSEGV|MPI_ABORT|MPI_Abort|BAD TERMINATION OF ONE OF YOUR APPLICATION/,
		cause:
			"A CRYSTAL process crashed (a Fortran runtime error, a signal, or an MPI abort); this is most often memory.",
		fix: "Look for a CRYSTAL ERROR line above it; otherwise give each rank more memory or use fewer ranks per node, and continue from the last point (GUESSP with NAME.f9, RESTART for an optimisation).",
		recovery: "stop",
	},
	{
		id: "crystal-error",
		severity: "error",
		pattern: /^\s*ERROR \*{4}\s*(\S+)\s*\*{4}\s*(.*?)\s*$/,
		cause: (match) => `CRYSTAL stopped with an error in routine ${match[1]}: ${match[2]}.`,
		fix: "Find the routine and message in the CRYSTAL manual's error list; the lines just above the error in NAME.out show the step that failed. Correct NAME.d12 and run again.",
		recovery: "stop",
	},
	{
		id: "bipo-buffer",
		severity: "info",
		pattern: /BIPO BUFFER TOO SMALL - TO AVOID I\/O SET BIPOSIZE\s*=\s*(\d+)/,
		cause:
			"The buffer for bielectronic integrals is too small, so CRYSTAL spills them to disk (slower, not wrong).",
		fix: (match) =>
			`Add BIPOSIZE ${match[1]} to the third input block (EXCHSIZE likewise if the exchange buffer is named).`,
		recovery: "none",
	},
	{
		id: "freqcalc-scf-tolerance",
		severity: "warning",
		pattern: /PROBABLE LOSS IN FREQCALC ACCURACY/,
		cause:
			"The SCF energy tolerance is looser than frequency calculations need, so the numerical Hessian may be noisy.",
		fix: "Set TOLDEE 10 (or 11) in the SCF block.",
		recovery: "none",
	},
	{
		id: "conducting-gradient",
		severity: "warning",
		pattern: /GRADIENT NOT FULLY IMPLEMENTED FOR CONDUCTING/,
		cause:
			"The state is metallic and CRYSTAL's analytical forces for conducting states are approximate, so the optimised geometry may be slightly off.",
		fix: "Use SMEAR (e.g. SMEAR 0.005) with a dense SHRINK net, tighten TOLDEE, and confirm the final geometry with a single-point calculation.",
		recovery: "none",
	},
];

/** Output that stops without CRYSTAL's termination line and without any message saying why. */
export const cutOffEntry = {
	id: "run-cut-off",
	severity: "error",
	cause:
		"The output stops without CRYSTAL's termination line and without an error message: the run was killed from outside (scheduler, out of memory, node failure) or stopped writing.",
	fix: `Check the scheduler's log for the reason (time limit, memory); then ${continueRun}.`,
	recovery: "none",
} as const;
