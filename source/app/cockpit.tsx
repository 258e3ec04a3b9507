/**
 * Entry of the cockpit: draws the app on the alternate screen until the user quits, then
 * leaves every running job running and says which ones.
 */
import { runName } from "../crystal/staging.js";
import type { JobsController } from "../jobs/controller.js";
import { loadUi } from "./load-ui.js";
import { noticeSequence } from "./notify.js";
import { CockpitStore } from "./store.js";

export interface CockpitOptions {
	noColor: boolean;
	/**
	 * Runs once the cockpit listens to the runner: re-attaching and starting jobs here lets
	 * their replayed and first lines reach the panes.
	 */
	prepare?: () => Promise<void>;
}

export async function runCockpit(controller: JobsController, options: CockpitOptions): Promise<void> {
	const store = new CockpitStore(controller, {
		onNotice: (job, state) => {
			process.stdout.write(noticeSequence("crystal-tui", `${job.name} ${state}`, process.env));
		},
	});
	store.listen();
	let quit: () => void = () => {};
	const quitting = new Promise<void>((resolve) => {
		quit = resolve;
	});
	const { drawCockpit } = await loadUi(() => import("./draw.js"));
	const { instance, stopPainting } = drawCockpit({
		controller,
		store,
		noColor: options.noColor,
		onQuit: () => quit(),
	});
	// Ctrl-C quits like q: the jobs are not ours to kill.
	const onSigint = () => quit();
	process.on("SIGINT", onSigint);
	try {
		if (options.prepare) await options.prepare();
		store.syncJobs();
		await store.loadEndedLogs();
	} catch (error) {
		store.say(error instanceof Error ? error.message : String(error));
	}
	await Promise.race([quitting, instance.waitUntilExit()]);
	process.off("SIGINT", onSigint);
	store.close();
	stopPainting();
	// By the names the panes show: `mgo.d3` beside `mgo`.
	const names = new Map(controller.jobs().map((j) => [j.spec.id, runName(j.spec.name, j.spec.program)]));
	const running = await controller.detach();
	instance.unmount();
	await instance.waitUntilExit().catch(() => {});
	process.stdout.write(`${stillRunning(running.map((id) => names.get(id) ?? id))}\n`);
}

export function stillRunning(names: readonly string[]): string {
	if (names.length === 0) return "No job is running.";
	const jobs = names.length === 1 ? "1 job still running" : `${names.length} jobs still running`;
	return `${jobs} (${names.join(", ")}); they are re-attached at the next start.`;
}
