/**
 * The cockpit's stand-in without a terminal (pipes, CI, `ssh host crystal-tui` without -t):
 * follow the jobs still running or queued, print their new output as prefixed lines (each line
 * once, also across a client killed and started again), and exit when they have all ended: 0
 * if every one succeeded.
 */
import type { ProjectClient } from "../client/project-client.js";
import { activeStates, type JobState } from "../runner/runner.js";
import { jobLabel, watchPlain } from "./plain-output.js";

export async function watchRunning(
	client: ProjectClient,
	write: (text: string) => void,
	startFresh = false,
): Promise<number> {
	// A job "starting" with no run recorded was cut short mid-launch: the supervisor looks for
	// it (and says lost if it finds no trace); it is followed once found.
	const active = client
		.jobs()
		.filter(
			(j) =>
				(activeStates.has(j.state as JobState) && j.state !== "starting") ||
				(j.state === "starting" && client.wire(j.spec.id)?.runId != null),
		)
		.map((j) => j.spec.id);
	const fresh = startFresh
		? client
				.jobs()
				.filter((j) => j.state === "idle")
				.map((j) => j.spec.id)
		: [];
	const ids = [...new Set([...active, ...fresh])];
	if (ids.length === 0) {
		write("no job is running here; start one with: crystal-tui run NAME.d12\n");
		await client.detach();
		return 0;
	}
	const watch = watchPlain(
		client.runner,
		ids.map((id) => ({ id, name: jobLabel(client.wire(id)?.spec) ?? id })),
		write,
		(id, offset) => client.printed(id, offset),
	);
	write(`following ${ids.length} job${ids.length === 1 ? "" : "s"}: ${ids.join(", ")}\n`);
	await client.reattach();
	if (fresh.length) await client.startMany(fresh);
	const ok = await watch.done;
	await client.detach();
	return ok ? 0 : 1;
}
