/**
 * The cockpit's stand-in without a terminal (pipes, CI, `ssh host crystal-tui` without -t):
 * re-attach to the jobs still running, print their new output as prefixed lines, and exit when
 * they have all ended: 0 if every one succeeded.
 */
import type { Project } from "../jobs/project.js";
import { watchPlain } from "./plain-output.js";

export async function watchRunning(
	project: Project,
	write: (text: string) => void,
	alsoStart: string[] = [],
): Promise<number> {
	const running = await project.reattach();
	const queued = await project.resumeQueued();
	const ids = [...new Set([...running, ...queued, ...alsoStart])];
	if (ids.length === 0) {
		write("no job is running here; start one with: crystal-tui run NAME.d12\n");
		await project.detach();
		return 0;
	}
	const watch = watchPlain(
		project.runner,
		ids.map((id) => ({ id, name: project.deck(id).name })),
		write,
	);
	write(`following ${ids.length} job${ids.length === 1 ? "" : "s"}: ${ids.join(", ")}\n`);
	for (const id of alsoStart) await project.start(id);
	const ok = await watch.done;
	await project.detach();
	return ok ? 0 : 1;
}
