/**
 * From the parsed command line to a mode, with one place that turns refusals (LaunchError,
 * unsafe values, configuration mistakes) into a clear message and exit status 2 instead of a
 * stack trace. Every mode but `parse` is a client of the supervisor (started on first need):
 * the commands ask, the supervisor runs.
 */
import { resolve } from "node:path";
import { ProjectClient } from "../client/project-client.js";
import { ConfigError } from "../config/errors.js";
import type { CommonFlags } from "../jobs/settings.js";
import { formatStatus, formatStatusEverywhere } from "../jobs/status-text.js";
import { packageVersion } from "../package-root.js";
import { LaunchError } from "../runner/runner.js";
import { UnsafeValueError } from "../runner/shell-quote.js";
import type { QueueOp } from "../supervisor/protocol.js";
import { mockCrystalDir, prepareDemo } from "./demo.js";
import { jobEnvironment } from "./job-environment.js";
import { runDecks } from "./run.js";
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
	} finally {
		// A refusal midway leaves no connection holding the process open.
		for (const client of opened.splice(0)) await client.detach().catch(() => {});
	}
}

const opened: ProjectClient[] = [];

/** The project in a folder, through the supervisor, with the flags of this command line. */
async function open(dir: string, flags: CommonFlags): Promise<ProjectClient> {
	const { runner, host, ranks, threads, maxJobs, crystalDir, keepScratch, oversubscribe, recover } = flags;
	const runFlags = Object.fromEntries(
		Object.entries({
			runner,
			host,
			ranks,
			threads,
			maxJobs,
			crystalDir,
			keepScratch,
			oversubscribe,
			recover,
		}).filter(([, v]) => v !== undefined),
	);
	const client = await ProjectClient.open(resolve(dir), {
		version: packageVersion(),
		flags: runFlags,
		env: jobEnvironment(process.env),
	});
	opened.push(client);
	return client;
}

const queueOps: readonly QueueOp[] = ["up", "down", "top", "hold", "release", "pause", "resume"];

async function dispatch(input: string[], flags: Flags, write: (text: string) => void): Promise<number> {
	const [command, ...args] = input;
	switch (command) {
		case "run": {
			const client = await open(process.cwd(), flags);
			if (!interactive(flags)) return runDecks(client, args, write, flags.after);
			await client.startMany(args, flags.after ? { after: flags.after } : {});
			return cockpit(client, async () => {
				await client.reattach();
			});
		}
		case "status": {
			refuseArgs("status", args);
			const client = await open(process.cwd(), flags);
			const rows = await client.status(flags.all);
			await client.detach();
			if (flags.json) write(`${JSON.stringify(rows, null, 2)}\n`);
			else write(flags.all ? formatStatusEverywhere(rows) : formatStatus(rows));
			return 0;
		}
		case "stop": {
			const client = await open(process.cwd(), flags);
			return stopJobs(client, args, { all: flags.all, force: flags.force }, write);
		}
		case "queue": {
			const [op, ...jobs] = args;
			if (!op || !queueOps.includes(op as QueueOp)) {
				throw new LaunchError(
					`queue ${op ?? ""}: expected one of ${queueOps.join(", ")} (crystal-tui queue up JOB, crystal-tui queue pause)`.replace(
						"queue :",
						"queue:",
					),
				);
			}
			const needsJob = op !== "pause" && op !== "resume";
			if (needsJob && jobs.length === 0)
				throw new LaunchError(`queue ${op}: which job? crystal-tui queue ${op} JOB`);
			if (!needsJob && jobs.length)
				throw new LaunchError(`queue ${op} takes no job (it is the whole queue's)`);
			const client = await open(process.cwd(), flags);
			try {
				if (needsJob) for (const job of jobs) await client.queueOp(op as QueueOp, job);
				else await client.queueOp(op as QueueOp);
			} finally {
				await client.detach();
			}
			return 0;
		}
		case "recover": {
			const [op, ...jobs] = args;
			if (op !== "accept" && op !== "apply")
				throw new LaunchError(
					`recover ${op ?? ""}: expected accept or apply (crystal-tui recover accept JOB)`,
				);
			if (jobs.length === 0) throw new LaunchError(`recover ${op}: which job? crystal-tui recover ${op} JOB`);
			const client = await open(process.cwd(), flags);
			try {
				for (const job of jobs) write(`${await client.recover(op, job)}\n`);
			} finally {
				await client.detach();
			}
			return 0;
		}
		default: {
			if (input.length > 1)
				throw new LaunchError(`unknown command: ${input.join(" ")} (see crystal-tui --help)`);
			const demo = flags.demo;
			if (demo && command) throw new LaunchError("--demo opens its own folder: give no DIR with it");
			const dir = demo ? await prepareDemo() : resolve(command ?? ".");
			// The mock CRYSTAL uses no CPU: every demo deck runs at once, whatever the cores.
			const demoFlags = {
				...flags,
				crystalDir: flags.crystalDir ?? mockCrystalDir,
				maxJobs: flags.maxJobs ?? 8,
				oversubscribe: true,
			};
			const client = await open(dir, demo ? demoFlags : flags);
			if (!interactive(flags)) return watchRunning(client, write, demo);
			return cockpit(client, async () => {
				await client.reattach();
				// The demo starts the decks that have never run, so a newcomer sees live panes at once.
				if (demo) await client.startMany([], { freshOnly: true });
			});
		}
	}
}

function refuseArgs(command: string, args: string[]): void {
	if (args.length) throw new LaunchError(`${command} takes no arguments (got ${args.join(" ")})`);
}

/** The Ink cockpit; `prepare` runs once it listens, so no replayed or new line is missed. */
async function cockpit(client: ProjectClient, prepare: () => Promise<void>): Promise<number> {
	const { runCockpit } = await import("../app/cockpit.js");
	await runCockpit(client, { noColor: Boolean(process.env.NO_COLOR), prepare });
	return 0;
}
