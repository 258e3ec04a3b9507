/**
 * Checks every backend shares before anything is started: the deck is there and readable, and
 * the files it says it reads exist (GUESSP needs NAME.f9, EXTERNAL needs NAME.gui, an
 * optimisation RESTART needs NAME.optinfo), and the job fits the cores it runs on. Each failure
 * names the file or the value and the fix.
 */
import { access, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { ClusterConfig } from "../config/load.js";
import { type DeckInfo, readDeck, readPropertiesDeck } from "../crystal/deck.js";
import { deckFileName } from "../crystal/staging.js";
import { coresOf } from "./queue.js";
import { type JobSpec, LaunchError, type Parallelism } from "./runner.js";

const exists = async (path: string): Promise<boolean> => {
	try {
		await access(path);
		return true;
	} catch {
		return false;
	}
};

/** The deck of a job, by its program: a NAME.d12 for crystal, a NAME.d3 for properties. */
export function checkJobDeck(job: JobSpec): Promise<DeckInfo> {
	if (job.program === "properties")
		return checkPropertiesDeck(job.dir, job.name, (job.dependsOn ?? []).length > 0);
	return checkDeck(job.dir, job.name, job.geometryFrom);
}

/**
 * A properties deck reads the SCF's wave function: NAME.f9 must be there, or be on its way
 * (`afterScf`: the job waits for the SCF that writes it). Without one, properties would stop
 * at its first read of fort.9 with a Fortran end-of-file error.
 */
export async function checkPropertiesDeck(dir: string, name: string, afterScf: boolean): Promise<DeckInfo> {
	const deckPath = join(dir, deckFileName(name, "properties"));
	const text = await readDeckText(deckPath);
	const deck = readPropertiesDeck(text);
	if (deck.keywords.length === 0)
		throw new LaunchError(
			`the properties deck ${deckPath} asks for nothing: it holds no keyword (BAND, DOSS, NEWK, ...)`,
		);
	if (!afterScf && !(await exists(join(dir, `${name}.f9`)))) {
		const scf = join(dir, `${name}.d12`);
		throw new LaunchError(
			`${name}.d3 reads the wave function ${join(dir, `${name}.f9`)}, which does not exist: ${(await exists(scf)) ? `run ${name}.d12 first, or both at once (crystal-tui run ${name}.d12 ${name}.d3)` : `copy the fort.9 of the SCF there as ${name}.f9`}`,
		);
	}
	return deck;
}

async function readDeckText(deckPath: string): Promise<string> {
	let text: string;
	try {
		text = await readFile(deckPath, "utf8");
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		throw new LaunchError(
			code === "ENOENT" ? `no deck: ${deckPath} does not exist` : `cannot read the deck ${deckPath}: ${code}`,
		);
	}
	if (!text.trim()) throw new LaunchError(`the deck ${deckPath} is empty`);
	return text;
}

/** `geometryFrom`: the deck whose optimised geometry (NAME.gui) an EXTERNAL deck reads once
 * that job has finished, instead of a NAME.gui of its own. */
export async function checkDeck(dir: string, name: string, geometryFrom?: string): Promise<DeckInfo> {
	const deck = readDeck(await readDeckText(join(dir, `${name}.d12`)));
	if (deck.readsWaveFunction && !(await exists(join(dir, `${name}.f9`)))) {
		throw new LaunchError(
			`${name}.d12 asks for GUESSP but ${join(dir, `${name}.f9`)} is missing: copy the fort.9 of the earlier run there, or remove GUESSP`,
		);
	}
	if (geometryFrom && !(await exists(join(dir, `${geometryFrom}.d12`)))) {
		throw new LaunchError(
			`${name}.d12 takes its geometry from ${geometryFrom}, but there is no ${join(dir, `${geometryFrom}.d12`)}`,
		);
	}
	if (deck.readsExternalGeometry && !geometryFrom && !(await exists(join(dir, `${name}.gui`)))) {
		throw new LaunchError(
			`${name}.d12 reads its geometry with EXTERNAL but ${join(dir, `${name}.gui`)} is missing: put the geometry (fort.34 format) there`,
		);
	}
	if (deck.restartsOptimisation && !(await exists(join(dir, `${name}.optinfo`)))) {
		throw new LaunchError(
			`${name}.d12 restarts an optimisation (RESTART in OPTGEOM) but ${join(dir, `${name}.optinfo`)} is missing: copy the OPTINFO.DAT of the earlier run there`,
		);
	}
	return deck;
}

/**
 * Ranks x threads against the cores of the machine the job runs on: 99,999 ranks on a 2-core
 * machine would leave it unusable, with processes that outlive crystal-tui. More than the
 * cores runs only when asked for explicitly (`--oversubscribe`, `oversubscribe = true`).
 */
export function checkCores(parallelism: Parallelism, cores: number, where: string): void {
	const asked = coresOf(parallelism);
	if (asked <= cores || parallelism.oversubscribe) return;
	throw new LaunchError(
		`--ranks ${parallelism.ranks} x --threads ${parallelism.threads} = ${asked} cores, but ${where} has ${cores}: lower --ranks or --threads, or pass --oversubscribe (config: oversubscribe = true) to run more processes than cores`,
	);
}

/** Ranks and threads against the cluster entry's ntasks and cpus_per_task, the most a job of
 * that entry may ask for: sbatch would ask for more than the entry allows, and SLURM queue it or refuse it later. */
export function checkAllocation(job: JobSpec, cluster: ClusterConfig, where: string): void {
	const { ranks, threads } = job.parallelism;
	const over = (asked: number, flag: string, limit: number | undefined, key: string) => {
		if (limit !== undefined && asked > limit)
			throw new LaunchError(
				`${flag} ${asked} is more than ${key} = ${limit} in ${where}: lower ${flag}, or raise ${key} there`,
			);
	};
	over(ranks, "--ranks", cluster.ntasks, "ntasks");
	over(threads, "--threads", cluster.cpusPerTask, "cpus_per_task");
}
