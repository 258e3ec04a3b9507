/**
 * Finding the CRYSTAL executables on this machine: the --crystal-dir flag first, then
 * CRY23_EXEDIR (set by CRYSTAL23's cry23.bashrc), then PATH. The message says all three places
 * it looked, so a scientist knows what to set.
 */
import { constants } from "node:fs";
import { access } from "node:fs/promises";
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

export async function findCrystal(
	program: string,
	flagDir: string | null,
	env: NodeJS.ProcessEnv,
): Promise<CrystalLocation> {
	const looked: string[] = [];
	if (flagDir) {
		const dir = resolve(flagDir);
		if (await executable(join(dir, program))) return { dir, message: `${program} in ${dir}` };
		looked.push(`--crystal-dir ${dir}`);
	}
	const exeDir = env.CRY23_EXEDIR;
	if (exeDir) {
		const dir = resolve(exeDir);
		if (await executable(join(dir, program))) return { dir, message: `${program} in ${dir} (CRY23_EXEDIR)` };
		looked.push(`CRY23_EXEDIR=${dir}`);
	} else {
		looked.push("CRY23_EXEDIR (not set)");
	}
	for (const dir of (env.PATH ?? "").split(delimiter).filter(Boolean)) {
		if (await executable(join(dir, program)))
			return { dir: resolve(dir), message: `${program} on PATH in ${dir}` };
	}
	looked.push("PATH");
	return {
		dir: null,
		message: `CRYSTAL not found: no executable ${program} in ${looked.join(", ")}. Pass --crystal-dir DIR or set CRY23_EXEDIR to the folder holding ${program}`,
	};
}
