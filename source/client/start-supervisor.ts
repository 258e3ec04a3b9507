/**
 * Starting the supervisor: this same program with the hidden `__supervisor` command, detached
 * in its own session with no terminal, so that it outlives the command that started it, its
 * terminal and its SSH session. It writes its own log (supervisor.log in its folder).
 */
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

export async function startSupervisor(paths: SupervisorPaths): Promise<void> {
	// Loaded here: most commands find a supervisor running and start no process at all.
	const { execa } = await import("execa");
	const { file, args } = selfInvocation();
	const child = execa(file, [...args, "__supervisor"], {
		detached: true,
		stdio: "ignore",
		cwd: paths.dir,
		cleanup: false,
		reject: false,
		env: { ...process.env, PATH: withSystemPath(process.env.PATH), CRYSTAL_TUI_ROLE: "supervisor" },
	});
	// Nothing of this client waits for it.
	child.nodeChildProcess.unref();
	child.catch(() => {});
}

/** The supervisor serves every later client and runs ssh, sbatch and squeue for all of them:
 * whatever PATH the shell that happened to start it had, the system's folders are on it. (Each
 * job runs with the environment of the shell that started it.) */
export function withSystemPath(path: string | undefined): string {
	const parts = (path ?? "").split(":").filter(Boolean);
	for (const dir of ["/usr/local/bin", "/usr/bin", "/bin"]) if (!parts.includes(dir)) parts.push(dir);
	return parts.join(":");
}
