/**
 * Where the supervisor lives: one private folder per user and machine, `$XDG_RUNTIME_DIR/
 * crystal-tui` (a tmpfs the login session owns), else the user's state folder. It holds the
 * socket (0600), the lock, the log and the list of projects the supervisor has hosted.
 */
import { chmodSync, mkdirSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

export interface SupervisorPaths {
	dir: string;
	socket: string;
	lock: string;
	log: string;
	projects: string;
	/** The running supervisor's process id (for `kill`; the lock, not this file, decides). */
	pid: string;
}

/** Unix socket paths are limited to about 107 bytes. */
const maxSocketPath = 100;

export function supervisorPaths(env: NodeJS.ProcessEnv = process.env): SupervisorPaths {
	const runtime = env.XDG_RUNTIME_DIR ? join(env.XDG_RUNTIME_DIR, "crystal-tui") : null;
	const state = join(env.XDG_STATE_HOME || join(homedir(), ".local", "state"), "crystal-tui", "supervisor");
	const fallback = join("/tmp", `crystal-tui-${process.getuid?.() ?? "user"}`);
	const dir = [runtime, state, fallback].find(
		(d): d is string => d !== null && join(d, "supervisor.sock").length <= maxSocketPath,
	);
	const chosen = dir ?? fallback;
	return {
		dir: chosen,
		socket: join(chosen, "supervisor.sock"),
		lock: join(chosen, "supervisor.lock"),
		log: join(chosen, "supervisor.log"),
		projects: join(chosen, "projects.json"),
		pid: join(chosen, "supervisor.pid"),
	};
}

/** Makes the folder private (0700) and refuses one that another user owns. */
export function preparePrivateDir(dir: string): void {
	mkdirSync(dir, { recursive: true, mode: 0o700 });
	const info = statSync(dir);
	const uid = process.getuid?.();
	if (uid !== undefined && info.uid !== uid) {
		throw new Error(`${dir} belongs to another user: crystal-tui will not put its socket there`);
	}
	if ((info.mode & 0o077) !== 0) chmodSync(dir, 0o700);
}
