/**
 * Finding the CRYSTAL executables on this machine: the folder the user named (--crystal-dir or
 * crystal_dir) and nothing else when one is named, since a silent fall-back would run another
 * CRYSTAL than the one asked for; otherwise CRY23_EXEDIR (set by CRYSTAL23's cry23.bashrc), then
 * PATH. The message says where it looked and what is missing, so a scientist knows what to set.
 */
import { constants } from "node:fs";
import { access, readdir } from "node:fs/promises";
import { delimiter, join, resolve } from "node:path";

export interface CrystalLocation {
	/** Folder holding the executable, or null when not found. */
	dir: string | null;
	message: string;
}

const executable = async (path: string): Promise<boolean> => {
	try {
		await access(path, constants.X_OK);
		return true;
	} catch {
		return false;
	}
};

const crystalPrograms = ["crystalOMP", "Pcrystal", "PcrystalOMP", "properties", "crystal"];

/** What a named folder lacks: it does not exist, or which CRYSTAL executables it does hold. */
async function whatIsThere(dir: string): Promise<string> {
	let names: string[];
	try {
		names = await readdir(dir);
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		return code === "ENOENT" ? "the folder does not exist" : `the folder cannot be read (${code})`;
	}
	const present = [];
	for (const name of crystalPrograms)
		if (names.includes(name) && (await executable(join(dir, name)))) present.push(name);
	return present.length
		? `it holds ${present.join(", ")}`
		: "it holds no CRYSTAL executable (crystalOMP, Pcrystal, PcrystalOMP)";
}

export async function findCrystal(
	program: string,
	flagDir: string | null,
	env: NodeJS.ProcessEnv,
): Promise<CrystalLocation> {
	if (flagDir) {
		const dir = resolve(flagDir);
		if (await executable(join(dir, program))) return { dir, message: `${program} in ${dir}` };
		return {
			dir: null,
			message: `CRYSTAL not found: the crystal folder ${dir} (--crystal-dir or crystal_dir) has no executable ${program}; ${await whatIsThere(dir)}`,
		};
	}
	const looked: string[] = [];
	const exeDir = env.CRY23_EXEDIR;
	if (exeDir) {
		const dir = resolve(exeDir);
		if (await executable(join(dir, program))) return { dir, message: `${program} in ${dir} (CRY23_EXEDIR)` };
		looked.push(`CRY23_EXEDIR=${dir}`);
	} else {
		looked.push("CRY23_EXEDIR (not set)");
	}
	const onPath = await findOnPath(program, env);
	if (onPath) return { dir: onPath, message: `${program} on PATH in ${onPath}` };
	looked.push("PATH");
	return {
		dir: null,
		message: `CRYSTAL not found: no executable ${program} in ${looked.join(", ")}. Pass --crystal-dir DIR or set CRY23_EXEDIR to the folder holding ${program}`,
	};
}

/** mpirun: beside the CRYSTAL executables (a private MPI build) first, else on PATH. */
export async function findMpirun(crystalDir: string, env: NodeJS.ProcessEnv): Promise<string | null> {
	if (await executable(join(crystalDir, "mpirun"))) return join(crystalDir, "mpirun");
	const dir = await findOnPath("mpirun", env);
	return dir ? join(dir, "mpirun") : null;
}

async function findOnPath(program: string, env: NodeJS.ProcessEnv): Promise<string | null> {
	for (const dir of (env.PATH ?? "").split(delimiter).filter(Boolean))
		if (await executable(join(dir, program))) return resolve(dir);
	return null;
}
