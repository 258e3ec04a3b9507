/**
 * The supervisor: one per user and machine, started detached by the first crystal-tui command
 * that needs it (as tmux starts its server). It owns every job: the queues and the machine's
 * core budget, dependencies, the backends and their connections, one parser per job and every
 * write to the state stores. Clients (the cockpit, run, status, stop) talk to it over its
 * socket. It leaves when it has no job and no client for a while; killed, its jobs run on and
 * the next supervisor re-adopts them from the stores and the run folders.
 */
import { appendFileSync, rmSync, writeFileSync } from "node:fs";
import { flagFrozen } from "./frozen.js";
import { HostedProjects } from "./hosted.js";
import { SupervisorLock } from "./lock.js";
import { preparePrivateDir, supervisorPaths } from "./paths.js";
import { SupervisorServer } from "./server.js";

/** With no job and no client for this long, the supervisor leaves. */
const defaultIdleSeconds = 60;
/** How often decks are looked for in projects a client has open (a new deck shows up). */
const rescanMs = 2000;
/** How often records left "starting" by a supervisor that died mid-launch are looked into. */
const recoverMs = 10_000;

export async function runSupervisor(version: string): Promise<number> {
	const paths = supervisorPaths();
	preparePrivateDir(paths.dir);
	// Not the folder of whichever client started it: that may be deleted under it (every later
	// child process would then fail to start).
	process.chdir(paths.dir);
	const lock = SupervisorLock.tryAcquire(paths.lock);
	// Another supervisor holds the lock: the client that started this one connects to it.
	if (!lock) return 0;
	const log = (text: string) => {
		try {
			appendFileSync(paths.log, `${new Date().toISOString()} [${process.pid}] ${text}\n`);
		} catch {
			// A full disk must not take the jobs' owner down.
		}
	};
	const idleMs = Number(process.env.CRYSTAL_TUI_SUPERVISOR_IDLE_SECONDS ?? defaultIdleSeconds) * 1000;
	let hosted: HostedProjects | null = null;
	let leaving = false;
	const server = new SupervisorServer({
		socketPath: paths.socket,
		hosted: () => hosted as HostedProjects,
		version,
		onHandover: () => void leave("handed over to a newer supervisor"),
		log,
	});
	hosted = new HostedProjects(paths.projects, (m) => server.broadcast(m), log);
	const timers: NodeJS.Timeout[] = [];
	const leave = async (why: string) => {
		if (leaving) return;
		leaving = true;
		for (const t of timers) clearInterval(t);
		log(`leaving: ${why}`);
		await server.close().catch(() => {});
		await hosted?.close().catch(() => {});
		rmSync(paths.pid, { force: true });
		lock.release();
		process.exit(0);
	};
	process.on("SIGTERM", () => void leave("SIGTERM"));
	process.on("SIGINT", () => void leave("SIGINT"));
	// The terminal it was started from may go away: it is not ours to die with.
	process.on("SIGHUP", () => {});
	process.on("uncaughtException", (error) => {
		log(`crashed: ${error.stack ?? error.message}`);
		process.exit(70);
	});
	await server.listen();
	writeFileSync(paths.pid, `${process.pid}\n`, { mode: 0o600 });
	log(`started (version ${version})`);
	await hosted.adoptAll();
	timers.push(
		setInterval(() => {
			for (const dir of server.watchedProjects()) {
				void hosted
					?.open(dir)
					.then((entry) => hosted?.rescan(entry, true))
					.catch(() => {});
			}
		}, rescanMs),
		// Launches cut short by an earlier supervisor: found from their PID records, or lost.
		setInterval(() => {
			void hosted
				?.forgetVanished()
				.then(() => hosted?.list())
				.then((all) => Promise.all((all ?? []).map((entry) => entry.project.reattach())))
				.catch(() => {});
			// Runs whose output stopped growing while they live: flagged, never acted on.
			void hosted
				?.list()
				.then((all) => Promise.all(all.map((entry) => flagFrozen(entry))))
				.catch(() => {});
		}, recoverMs),
		setInterval(
			() => {
				if (server.clientCount > 0 || Date.now() - server.lastClientAt < idleMs) return;
				void hosted?.busy().then((busy) => {
					if (!busy && server.clientCount === 0) void leave("idle");
				});
			},
			Math.min(5000, Math.max(200, idleMs / 4)),
		),
	);
	// The process lives on through its server and timers.
	return new Promise<number>(() => {});
}
