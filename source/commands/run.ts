/**
 * `crystal-tui run DECK... [--after JOB]`: start jobs, then either open the cockpit on them or,
 * with --no-tui or without a terminal, print their output prefixed by job name and exit when all
 * are done (0 if every one succeeded, 3 if the only ones that did not were stopped, else 1). Bad input is refused before anything starts.
 */
import type { Chain, Project } from "../jobs/project.js";
import { LaunchError } from "../runner/runner.js";
import { watchPlain } from "./plain-output.js";

export interface Launch {
	ids: string[];
	chain: Chain;
}

/**
 * Resolves and checks every deck before the first starts, so a typo in the third does not leave
 * the first two running. With `after`, that job (given among the decks, or started earlier)
 * goes first and the others wait for it to finish well, reading its geometry if they use
 * EXTERNAL: an optimisation followed by a frequency run on the optimised structure.
 */
export async function prepareLaunch(project: Project, decks: string[], after?: string): Promise<Launch> {
	if (decks.length === 0) throw new LaunchError("no deck given: crystal-tui run NAME.d12 [MORE.d12 ...]");
	let ids = decks.map((d) => project.resolveJob(d));
	const chain: Chain = {};
	if (after) {
		const parent = project.resolveJob(after);
		if (!ids.includes(parent) && !project.store.get(parent)) {
			throw new LaunchError(
				`--after ${after}: that job has never been started here; give its deck too, first`,
			);
		}
		chain.after = parent;
		ids = [...ids.filter((id) => id === parent), ...ids.filter((id) => id !== parent)];
	}
	for (const id of ids) {
		// The parent is checked as it is; its followers may rely on files it has yet to write.
		await project.checkStartable(id, id === chain.after ? {} : chain);
	}
	return { ids, chain };
}

export async function startLaunch(project: Project, launch: Launch): Promise<void> {
	for (const id of launch.ids) await project.start(id, id === launch.chain.after ? {} : launch.chain);
}

export async function runDecks(
	project: Project,
	decks: string[],
	write: (text: string) => void,
	after?: string,
): Promise<number> {
	const launch = await prepareLaunch(project, decks, after);
	const jobs = launch.ids.map((id) => ({ id, name: project.deck(id).name }));
	const watch = watchPlain(project.runner, jobs, write);
	// A parent started by an earlier crystal-tui is followed here, so its end releases the rest.
	if (launch.chain.after) await project.reattach();
	await startLaunch(project, launch);
	const ok = await watch.done;
	await project.detach();
	// 0: all done; 3: stopped by the user, nothing else went wrong; 1: a failure (README, Usage).
	return ok ? 0 : watch.onlyCancelled() ? 3 : 1;
}
