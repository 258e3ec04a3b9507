/**
 * The one table of files a CRYSTAL job takes in and gives back. Every backend stages by this
 * table (through the generated job script), so local, SSH and SLURM runs leave the same files.
 *
 * `job` names are relative to the job folder, `scratch` names to the scratch folder where
 * CRYSTAL runs; NAME is the deck's base name.
 */

export interface StagedFile {
	/** File in the job folder, with NAME substituted. */
	job: string;
	/** File in the scratch folder. */
	scratch: string;
	/** Why CRYSTAL needs it, for messages and the README. */
	purpose: string;
}

interface Rule {
	job: (name: string) => string;
	scratch: string;
	purpose: string;
	/** Only copied back for optimisations (fort.34 is the optimised geometry). */
	onlyForOptimisation?: boolean;
}

const inputRules: Rule[] = [
	{ job: (n) => `${n}.d12`, scratch: "INPUT", purpose: "the deck" },
	{ job: (n) => `${n}.gui`, scratch: "fort.34", purpose: "geometry read by EXTERNAL" },
	{ job: (n) => `${n}.f9`, scratch: "fort.20", purpose: "wave function read by GUESSP" },
	{ job: (n) => `${n}.hessopt`, scratch: "HESSOPT.DAT", purpose: "Hessian for an optimisation restart" },
	{ job: (n) => `${n}.optinfo`, scratch: "OPTINFO.DAT", purpose: "optimisation history for RESTART" },
];

const outputRules: Rule[] = [
	{ job: (n) => `${n}.f9`, scratch: "fort.9", purpose: "wave function (binary)" },
	{ job: (n) => `${n}.f98`, scratch: "fort.98", purpose: "wave function (formatted)" },
	{ job: (n) => `${n}.hessopt`, scratch: "HESSOPT.DAT", purpose: "Hessian for a restart" },
	{ job: (n) => `${n}.optinfo`, scratch: "OPTINFO.DAT", purpose: "optimisation history for a restart" },
	{ job: (n) => `${n}.freqinfo`, scratch: "FREQINFO.DAT", purpose: "frequency restart data" },
	{
		job: (n) => `${n}.gui`,
		scratch: "fort.34",
		purpose: "optimised geometry",
		onlyForOptimisation: true,
	},
];

const apply = (rules: Rule[], name: string): StagedFile[] =>
	rules.map((r) => ({ job: r.job(name), scratch: r.scratch, purpose: r.purpose }));

/** Files copied into scratch before the run (each only if it exists). With `geometryFrom`,
 * the geometry read by EXTERNAL is that deck's NAME.gui (e.g. the optimised geometry an
 * optimisation left) rather than the job's own. With `deckFrom` (a path relative to the job
 * folder), that deck is CRYSTAL's INPUT instead of NAME.d12: a recovery attempt's own deck. */
export function stageIn(name: string, geometryFrom?: string, deckFrom?: string): StagedFile[] {
	return apply(inputRules, name).map((f) =>
		geometryFrom && f.scratch === "fort.34"
			? { ...f, job: `${geometryFrom}.gui` }
			: deckFrom && f.scratch === "INPUT"
				? { ...f, job: deckFrom }
				: f,
	);
}

/** Files copied back to the job folder after the run (each only if CRYSTAL wrote it). */
export function stageOut(name: string, isOptimisation: boolean): StagedFile[] {
	return apply(
		outputRules.filter((r) => isOptimisation || !r.onlyForOptimisation),
		name,
	);
}

/** The output file the job appends to, in the job folder. */
export const outputFileName = (name: string): string => `${name}.out`;
