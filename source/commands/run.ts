/**
 * `crystal-tui run DECK... [--after JOB]` without a terminal (or with --no-tui): the decks are
 * started by the supervisor (it checks every deck before the first starts: nothing half-way),
 * their output printed prefixed by job name until all are done; 0 only if every one succeeded.
 * This process only watches: killed, the jobs and their queue go on.
 */
import type { ProjectClient } from "../client/project-client.js";
import { watchPlain } from "./plain-output.js";

export async function runDecks(
	client: ProjectClient,
	decks: string[],
	write: (text: string) => void,
	after?: string,
): Promise<number> {
	// The ids first, and the watch registered, so that not even a job that ends at once is missed.
	const ids = await client.resolve(decks);
	const jobs = ids.map((id) => ({ id, name: client.wire(id)?.spec.name ?? id }));
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
	return ok ? 0 : 1;
}
