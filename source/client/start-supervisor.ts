/**
 * Starting the supervisor: this same program with the hidden `__supervisor` command, detached
 * in its own session with no terminal, so that it outlives the command that started it, its
 * terminal and its SSH session. It writes its own log (supervisor.log in its folder).
 */
import { execa } from "execa";
import type { SupervisorPaths } from "../supervisor/paths.js";

/** The command line that runs this program again (node and its flags, the entry script). */
export function selfInvocation(): { file: string; args: string[] } {
	const entry = process.argv[1];
	// A single-file executable is its own entry.
	const isBundledBinary = !entry || entry === process.execPath;
	return {
		file: process.execPath,
		args: isBundledBinary ? [] : [...process.execArgv, entry],
	};
}

export function startSupervisor(_paths: SupervisorPaths): void {
	const { file, args } = selfInvocation();
	const child = execa(file, [...args, "__supervisor"], {
		detached: true,
		stdio: "ignore",
		cleanup: false,
		reject: false,
		env: { ...process.env, CRYSTAL_TUI_ROLE: "supervisor" },
	});
	// Nothing of this client waits for it.
	child.nodeChildProcess.unref();
	child.catch(() => {});
}
