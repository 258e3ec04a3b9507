/**
 * What the supervisor does for each request kind, one handler each (pueue's layout): the
 * socket code only frames messages, these do the work on the hosted projects. A refusal (a
 * LaunchError, a bad value, a configuration mistake) goes back to the client as its message;
 * nothing is started half-way.
 */
import { resolve } from "node:path";
import { ConfigError } from "../config/errors.js";
import { isPropertiesId } from "../crystal/staging.js";
import type { Chain, Project } from "../jobs/project.js";
import { statusRows } from "../jobs/status-rows.js";
import { activeStates, LaunchError } from "../runner/runner.js";
import { UnsafeValueError } from "../runner/shell-quote.js";
import type { HostedProject, HostedProjects } from "./hosted.js";
import { wireJobs } from "./hosted.js";
import type { ProjectSnapshot, RequestKind, Requests } from "./protocol.js";
import { protocolVersion } from "./protocol.js";
import { acceptAttempt, applyProposal } from "./recovery.js";

export interface RequestContext {
	hosted: HostedProjects;
	version: string;
	/** The connection asking: subscribes to a project's events. */
	subscribe(projectDir: string): void;
	/** The supervisor hands over to a newer one: leave, jobs untouched. */
	handover(): void;
}

type Handler<K extends RequestKind> = (
	args: Requests[K]["args"],
	context: RequestContext,
) => Promise<Requests[K]["reply"]>;

export const isRefusal = (error: unknown): boolean =>
	error instanceof LaunchError || error instanceof UnsafeValueError || error instanceof ConfigError;

async function project(context: RequestContext, dir: string): Promise<HostedProject> {
	return context.hosted.open(resolve(dir));
}

function snapshot(entry: HostedProject): ProjectSnapshot {
	const histories: ProjectSnapshot["histories"] = {};
	const progress: ProjectSnapshot["progress"] = {};
	for (const record of entry.project.store.list()) {
		if (!activeStates.has(record.state)) continue;
		const history = entry.project.runner.history(record.jobId);
		if (history) {
			histories[record.jobId] = {
				scfFrom: history.scfDropped,
				scf: history.scf.slice(),
				optFrom: 0,
				opt: history.opt.slice(),
			};
		}
		const live = entry.project.runner.liveProgress(record.jobId);
		if (live) progress[record.jobId] = live;
	}
	return {
		projectDir: entry.dir,
		jobs: wireJobs(entry),
		paused: entry.paused,
		histories,
		progress,
		// Told once: to the client that opens the project next (those open now got an event).
		notices: entry.notices.splice(0),
	};
}

/**
 * Resolves and checks every deck before the first starts, so a typo in the third does not
 * leave the first two running. With `after`, that job (given among the decks, or started
 * earlier) goes first and the others wait for it to finish well, reading its geometry if they
 * use EXTERNAL: an optimisation followed by a frequency run on the optimised structure.
 */
async function prepareLaunch(
	p: Project,
	decks: string[],
	after: string | undefined,
	check: (id: string, chain: Chain) => Promise<void>,
): Promise<{ ids: string[]; chain: Chain }> {
	if (decks.length === 0) throw new LaunchError("no deck given: crystal-tui run NAME.d12 [MORE.d12 ...]");
	let ids = decks.map((d) => p.resolveJob(d));
	const twice = ids.find((id, i) => ids.indexOf(id) !== i);
	if (twice) throw new LaunchError(`${twice} is given twice: each deck runs once`);
	// A properties deck runs after its SCF when both are given: the SCF is queued first.
	ids = [...ids.filter((id) => !isPropertiesId(id)), ...ids.filter(isPropertiesId)];
	const chain: Chain = { batch: ids };
	if (after) {
		const parent = p.resolveJob(after);
		if (!ids.includes(parent) && !p.store.get(parent)) {
			throw new LaunchError(
				`--after ${after}: that job has never been started here; give its deck too, first`,
			);
		}
		chain.after = parent;
		ids = [...ids.filter((id) => id === parent), ...ids.filter((id) => id !== parent)];
	}
	for (const id of ids) {
		// The parent is checked as it is; its followers may rely on files it has yet to write.
		await check(id, id === chain.after ? { batch: ids } : chain);
	}
	return { ids, chain };
}

const handlers: { [K in RequestKind]: Handler<K> } = {
	async hello(_args, context) {
		return { protocol: protocolVersion, version: context.version, pid: process.pid };
	},

	async handover(_args, context) {
		context.handover();
		return {};
	},

	async open(args, context) {
		const entry = await project(context, args.projectDir);
		await context.hosted.rescan(entry);
		context.subscribe(entry.dir);
		return snapshot(entry);
	},

	async start(args, context) {
		const entry = await project(context, args.projectDir);
		await context.hosted.rescan(entry);
		const settings = context.hosted.settingsFor(entry, args.flags, args.env);
		const p = entry.project;
		const decks = args.freshOnly
			? p
					.jobs()
					.filter((j) => j.state === "idle")
					.map((j) => j.spec.id)
			: args.decks;
		if (args.freshOnly && decks.length === 0) return { ids: [] };
		const launch = await prepareLaunch(p, decks, args.after, (id, chain) =>
			p.checkStartable(id, chain, settings),
		);
		for (const id of launch.ids) {
			await p.start(id, id === launch.chain.after ? { batch: launch.ids } : launch.chain, settings);
		}
		return { ids: launch.ids };
	},

	async restart(args, context) {
		const entry = await project(context, args.projectDir);
		const settings = context.hosted.settingsFor(entry, args.flags, args.env);
		await entry.project.restart(entry.project.resolveJob(args.id), settings);
		return {};
	},

	async stop(args, context) {
		const entry = await project(context, args.projectDir);
		const p = entry.project;
		await p.runner.refresh();
		const active = p.store.list().filter((r) => activeStates.has(r.state));
		let ids: string[];
		if (args.all) {
			if (args.jobs.length) throw new LaunchError("give job names or --all, not both");
			ids = active.map((r) => r.jobId);
		} else {
			if (args.jobs.length === 0)
				throw new LaunchError("which job? crystal-tui stop NAME... or crystal-tui stop --all");
			ids = args.jobs.map((t) => p.resolveJob(t));
			for (const id of ids) {
				if (!active.some((r) => r.jobId === id)) throw new LaunchError(`${id} is not running or queued`);
			}
		}
		const stopped: { id: string; state: string }[] = [];
		for (const id of ids) {
			await p.stop(id, { force: args.force ?? false });
			if (args.wait !== false) await p.waitForEnd(id, 30_000);
			stopped.push({ id, state: p.store.get(id)?.state ?? "stopped" });
		}
		return { stopped };
	},

	async status(args, context) {
		const dirs = args.everywhere ? context.hosted.knownDirs() : [resolve(args.projectDir ?? process.cwd())];
		const rows = [];
		for (const dir of dirs) {
			const entry = await project(context, dir);
			await context.hosted.rescan(entry);
			for (const row of await statusRows(entry.project)) rows.push({ ...row, project: entry.dir });
		}
		return { rows };
	},

	async ack(args, context) {
		const entry = await project(context, args.projectDir);
		entry.project.store.setOffset(args.id, args.offset);
		return {};
	},

	async queue(args, context) {
		const entry = await project(context, args.projectDir);
		const runner = entry.project.runner;
		const id = () => {
			if (!args.id) throw new LaunchError(`queue ${args.op}: which job?`);
			return entry.project.resolveJob(args.id);
		};
		switch (args.op) {
			case "pause":
			case "resume":
				context.hosted.setPaused(entry, args.op === "pause");
				break;
			case "hold":
			case "release":
				runner.hold(id(), args.op === "hold");
				break;
			case "up":
				runner.move(id(), 1);
				break;
			case "down":
				runner.move(id(), -1);
				break;
			case "top":
				runner.move(id(), Number.MAX_SAFE_INTEGER);
				break;
		}
		context.hosted.broadcastJobs(entry);
		return {};
	},

	async slurmQueue(args, context) {
		return (await project(context, args.projectDir)).project.queue();
	},

	async adopt(args, context) {
		const entry = await project(context, args.projectDir);
		const id = await entry.project.adopt(args.cluster, args.slurmJobId);
		context.hosted.broadcastJobs(entry);
		return { id };
	},

	async recover(args, context) {
		const entry = await project(context, args.projectDir);
		const p = entry.project;
		const id = p.resolveJob(args.id);
		const record = p.store.get(id);
		if (!record) throw new LaunchError(`${id} has never run`);
		if (args.op === "accept") {
			const accepted = await acceptAttempt(record);
			return {
				message: `${accepted.deck}: ${accepted.summary.replace(/^attempt \d+: /, "")} (the deck before is ${accepted.backup})`,
			};
		}
		if (activeStates.has(record.state))
			throw new LaunchError(`${id} is ${record.state}: nothing to apply yet`);
		const { spec, recovery } = applyProposal(record);
		await p.runner.start(spec, { recovery });
		return { message: `${id}: ${recovery.attempts.at(-1)?.summary ?? "started"}` };
	},

	async resolve(args, context) {
		const entry = await project(context, args.projectDir);
		return { ids: args.typed.map((t) => entry.project.resolveJob(t)) };
	},
};

export function handle<K extends RequestKind>(
	kind: K,
	args: Requests[K]["args"],
	context: RequestContext,
): Promise<Requests[K]["reply"]> {
	const handler = handlers[kind] as Handler<K> | undefined;
	if (!handler) return Promise.reject(new LaunchError(`unknown request ${String(kind)}`));
	return handler(args, context);
}
