/**
 * `crystal-tui --demo`: the bundled demo project (fixtures/demo) run with the mock CRYSTAL
 * (fixtures/bin), in a folder of the user's own so the package stays untouched and a second
 * `--demo` finds the jobs of the first still there.
 */
import { cp, mkdir, readdir } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { packageRoot } from "../package-root.js";

export const mockCrystalDir = join(packageRoot(), "fixtures", "bin");

export function demoDir(env: NodeJS.ProcessEnv = process.env): string {
	const state = env.XDG_STATE_HOME || join(homedir(), ".local", "state");
	return join(state, "crystal-tui", "demo");
}

/** Copies the demo decks (not outputs) into the demo folder, keeping what is already there. */
export async function prepareDemo(target = demoDir()): Promise<string> {
	await mkdir(target, { recursive: true });
	const source = join(packageRoot(), "fixtures", "demo");
	for (const entry of await readdir(source)) {
		await cp(join(source, entry), join(target, entry), {
			recursive: true,
			force: false,
			errorOnExist: false,
		});
	}
	return target;
}
