/**
 * Checks every backend shares before anything is started: the deck is there and readable, and
 * the files it says it reads exist (GUESSP needs NAME.f9, EXTERNAL needs NAME.gui, an
 * optimisation RESTART needs NAME.optinfo), and the job fits the cores it runs on. Each failure
 * names the file or the value and the fix.
 */
import { access, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { ClusterConfig } from "../config/load.js";
import { type DeckInfo, readDeck } from "../crystal/deck.js";
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

/** `geometryFrom`: the deck whose optimised geometry (NAME.gui) an EXTERNAL deck reads once
 * that job has finished, instead of a NAME.gui of its own. */
export async function checkDeck(dir: string, name: string, geometryFrom?: string): Promise<DeckInfo> {
	const deckPath = join(dir, `${name}.d12`);
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
	const deck = readDeck(text);
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
