/**
 * `crystal-tui run DECK...`: start jobs, then either open the cockpit on them or, with --no-tui
 * or without a terminal, print their output prefixed by job name and exit when all are done
 * (0 only if every one succeeded). Bad input is refused before anything starts.
 */
import type { Project } from "../jobs/project.js";
import { LaunchError } from "../runner/runner.js";
import { watchPlain } from "./plain-output.js";

export async function runDecks(
	project: Project,
	decks: string[],
	write: (text: string) => void,
): Promise<number> {
	if (decks.length === 0) throw new LaunchError("no deck given: crystal-tui run NAME.d12 [MORE.d12 ...]");
	const ids = decks.map((d) => project.resolveJob(d));
	const jobs = ids.map((id) => ({ id, name: project.deck(id).name }));
	const watch = watchPlain(project.runner, jobs, write);
	// Every deck is checked before the first starts, so a typo in the third does not leave
	// the first two running.
	for (const id of ids) await project.checkStartable(id);
	for (const id of ids) await project.start(id);
	const ok = await watch.done;
	await project.detach();
	return ok ? 0 : 1;
}
