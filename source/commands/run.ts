/**
 * `crystal-tui run DECK... [--after JOB]` without a terminal (or with --no-tui): the decks are
 * started by the supervisor (it checks every deck before the first starts: nothing half-way),
 * their output printed prefixed by job name until all are done: 0 if every one succeeded, 3
 * if the only ones that did not were stopped by the user, else 1. This process only watches:
 * killed, the jobs and their queue go on.
 */
import type { ProjectClient } from "../client/project-client.js";
import { jobLabel, watchPlain } from "./plain-output.js";

export async function runDecks(
	client: ProjectClient,
	decks: string[],
	write: (text: string) => void,
	after?: string,
): Promise<number> {
	// The ids first, and the watch registered, so that not even a job that ends at once is missed.
	const ids = await client.resolve(decks);
	const jobs = ids.map((id) => ({ id, name: jobLabel(client.wire(id)?.spec) ?? id }));
	const watch = watchPlain(client.runner, jobs, write, (id, offset) => client.printed(id, offset));
	await client.reattach();
	try {
		await client.startMany(decks, after ? { after } : {});
	} catch (error) {
		await client.detach();
		throw error;
	}
	const ok = await watch.done;
	await client.detach();
	// 0: all done; 3: stopped by the user, nothing else went wrong; 1: a failure (README, Usage).
	return ok ? 0 : watch.onlyCancelled() ? 3 : 1;
}
