/**
 * The one table of files a CRYSTAL job takes in and gives back. Every backend stages by this
 * table (through the generated job script), so local, SSH and SLURM runs leave the same files.
 *
 * `job` names are relative to the job folder, `scratch` names to the scratch folder where
 * CRYSTAL runs; NAME is the deck's base name.
 *
 * Two programs run from a job folder: `crystal` (NAME.d12, the SCF and what builds on it) and
 * `properties` (NAME.d3, read with the SCF's wave function NAME.f9 as fort.9: bands, DOS and
 * the other post-processing). A properties run's output is NAME.outp, as CRYSTAL's own runprop
 * script names it, so that it never replaces the SCF's NAME.out.
 */

/** Which CRYSTAL program a job runs. */
export type JobProgram = "crystal" | "properties";

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

/** properties reads only its deck and the wave function. */
const propertiesInputRules: Rule[] = [
	{ job: (n) => `${n}.d3`, scratch: "INPUT", purpose: "the properties deck" },
	{ job: (n) => `${n}.f9`, scratch: "fort.9", purpose: "wave function of the SCF (binary)" },
];

/** What properties writes, by the names CRYSTALpytools and the plotting scripts expect. */
const propertiesOutputRules: Rule[] = [
	{ job: (n) => `${n}.f25`, scratch: "fort.25", purpose: "bands, DOS and maps (Crgra2006 format)" },
	{ job: (n) => `${n}_BAND.DAT`, scratch: "BAND.DAT", purpose: "band structure (xmgrace table)" },
	{ job: (n) => `${n}_DOSS.DAT`, scratch: "DOSS.DAT", purpose: "density of states (xmgrace table)" },
	{ job: (n) => `${n}_COOP.DAT`, scratch: "COOP.DAT", purpose: "crystal orbital overlap population" },
	{ job: (n) => `${n}_COHP.DAT`, scratch: "COHP.DAT", purpose: "crystal orbital Hamilton population" },
	{ job: (n) => `${n}_DENS.cube`, scratch: "DENS_CUBE.DAT", purpose: "charge density (Gaussian cube)" },
	{ job: (n) => `${n}_SPIN.cube`, scratch: "SPIN_CUBE.DAT", purpose: "spin density (Gaussian cube)" },
	{
		job: (n) => `${n}_POT.cube`,
		scratch: "POT_CUBE.DAT",
		purpose: "electrostatic potential (Gaussian cube)",
	},
	{ job: (n) => `${n}.f31`, scratch: "fort.31", purpose: "3D grid data (ECH3/POT3)" },
	{ job: (n) => `${n}.f98`, scratch: "fort.98", purpose: "formatted wave function (FMWF)" },
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
export function stageIn(
	name: string,
	geometryFrom?: string,
	deckFrom?: string,
	program: JobProgram = "crystal",
): StagedFile[] {
	if (program === "properties") return apply(propertiesInputRules, name);
	return apply(inputRules, name).map((f) =>
		geometryFrom && f.scratch === "fort.34"
			? { ...f, job: `${geometryFrom}.gui` }
			: deckFrom && f.scratch === "INPUT"
				? { ...f, job: deckFrom }
				: f,
	);
}

/** Files copied back to the job folder after the run (each only if CRYSTAL wrote it). */
export function stageOut(
	name: string,
	isOptimisation: boolean,
	program: JobProgram = "crystal",
): StagedFile[] {
	if (program === "properties") return apply(propertiesOutputRules, name);
	return apply(
		outputRules.filter((r) => isOptimisation || !r.onlyForOptimisation),
		name,
	);
}

/** The output file the job appends to, in the job folder. */
export const outputFileName = (name: string, program: JobProgram = "crystal"): string =>
	program === "properties" ? `${name}.outp` : `${name}.out`;

/** A properties run's job id (or run folder name) keeps its deck's `.d3`: `mgo.d3`. */
export const isPropertiesId = (id: string): boolean => id.endsWith(".d3");

/** The deck of a job id, relative to the project: `mgo` is `mgo.d12`, `mgo.d3` itself. */
export const deckOfId = (id: string): string => (isPropertiesId(id) ? id : `${id}.d12`);

/** The deck a job runs, in the job folder. */
export const deckFileName = (name: string, program: JobProgram = "crystal"): string =>
	program === "properties" ? `${name}.d3` : `${name}.d12`;

/** The name of the job's run folder (.crystal-tui/runs/RUN): a properties run keeps its own
 * records beside its SCF's. */
export const runName = (name: string, program: JobProgram = "crystal"): string =>
	program === "properties" ? `${name}.d3` : name;

/** The executable of a properties run (serial: Pproperties is not assumed to exist). */
export const propertiesExecutable = "properties";
