/**
 * From the parsed command line to a mode, with one place that turns refusals (LaunchError,
 * unsafe values) into a clear message and exit status 2 instead of a stack trace.
 */
import { resolve } from "node:path";
import { ConfigError, loadConfig } from "../config/load.js";
import { Project } from "../jobs/project.js";
import { LaunchError } from "../runner/runner.js";
import { UnsafeValueError } from "../runner/shell-quote.js";
import { mockCrystalDir, prepareDemo } from "./demo.js";
import { prepareLaunch, runDecks, startLaunch } from "./run.js";
import { type CommonFlags, settingsFrom } from "./settings.js";
import { collectStatus, formatStatus } from "./status.js";
import { stopJobs } from "./stop.js";
import { watchRunning } from "./watch.js";

export interface Flags extends CommonFlags {
	demo: boolean;
	tui: boolean;
	json: boolean;
	all: boolean;
	force: boolean;
	after?: string;
}

const interactive = (flags: Flags) => flags.tui && Boolean(process.stdout.isTTY && process.stdin.isTTY);

export async function runCommand(
	input: string[],
	flags: Flags,
	write: (text: string) => void,
): Promise<number> {
	try {
		return await dispatch(input, flags, write);
	} catch (error) {
		if (error instanceof LaunchError || error instanceof UnsafeValueError || error instanceof ConfigError) {
			process.stderr.write(`crystal-tui: ${error.message}\n`);
			return 2;
		}
		throw error;
	}
}

/** Opens the project in a folder with its configuration and the flags on top. */
async function open(dir: string, flags: CommonFlags): Promise<Project> {
	const config = loadConfig(dir);
	return Project.open(dir, settingsFrom(flags, config, dir));
}

async function dispatch(input: string[], flags: Flags, write: (text: string) => void): Promise<number> {
	const [command, ...args] = input;
	switch (command) {
		case "run": {
			const project = await open(process.cwd(), flags);
			if (!interactive(flags)) return runDecks(project, args, write, flags.after);
			const launch = await prepareLaunch(project, args, flags.after);
			return cockpit(project, async () => {
				await project.reattach();
				await startLaunch(project, launch);
			});
		}
		case "status": {
			refuseArgs("status", args);
			const project = await open(process.cwd(), flags);
			const rows = await collectStatus(project);
			await project.detach();
			write(flags.json ? `${JSON.stringify(rows, null, 2)}\n` : formatStatus(rows));
			return 0;
		}
		case "stop": {
			const project = await open(process.cwd(), flags);
			return stopJobs(project, args, { all: flags.all, force: flags.force }, write);
		}
		default: {
			if (input.length > 1)
				throw new LaunchError(`unknown command: ${input.join(" ")} (see crystal-tui --help)`);
			const demo = flags.demo;
			if (demo && command) throw new LaunchError("--demo opens its own folder: give no DIR with it");
			const dir = demo ? await prepareDemo() : resolve(command ?? ".");
			// The mock CRYSTAL uses no CPU: every demo deck runs at once.
			const demoFlags = {
				...flags,
				crystalDir: flags.crystalDir ?? mockCrystalDir,
				maxJobs: flags.maxJobs ?? 8,
			};
			const project = await open(dir, demo ? demoFlags : flags);
			// The demo starts the decks that have never run, so a newcomer sees live panes at once.
			const fresh = demo
				? project
						.jobs()
						.filter((j) => j.state === "idle")
						.map((j) => j.spec.id)
				: [];
			if (!interactive(flags)) return watchRunning(project, write, fresh);
			return cockpit(project, async () => {
				await project.reattach();
				await project.resumeQueued();
				for (const id of fresh) await project.start(id);
			});
		}
	}
}

function refuseArgs(command: string, args: string[]): void {
	if (args.length) throw new LaunchError(`${command} takes no arguments (got ${args.join(" ")})`);
}

/** The Ink cockpit; `prepare` runs once it listens, so no replayed or new line is missed. */
async function cockpit(project: Project, prepare: () => Promise<void>): Promise<number> {
	const { runCockpit } = await import("../app/cockpit.js");
	await runCockpit(project, { noColor: Boolean(process.env.NO_COLOR), prepare });
	return 0;
}
