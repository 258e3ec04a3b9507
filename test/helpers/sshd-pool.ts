/**
 * More sshd on loopback, beside the one of .ci/infra (port 2222): the same host key,
 * authorized_keys and test user, another port each, so that one machine stands for the
 * members of a pool. Each can be killed (the listener and its sessions, as a machine that goes
 * down cuts every connection) and started again.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { atEnd, tempDir } from "./infra.js";
import { sleep } from "./project.js";

const env = process.env;
const sshdConfig = () => join(env.TEST_INFRA_DIR ?? "/tmp/crystal-tui-infra", "ssh", "sshd_config");

export interface ExtraSshd {
	port: number;
	pidFile: string;
	/** The argument list that starts it (sshd goes to the background by itself). */
	command: string[];
	start(): Promise<void>;
	/** SIGKILLs the listener and every session it serves. */
	kill(): void;
	running(): boolean;
}

/** A free TCP port on loopback. */
export function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.once("error", reject);
		server.listen(0, "127.0.0.1", () => {
			const address = server.address();
			server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
		});
	});
}

function pidOf(pidFile: string): number | null {
	if (!existsSync(pidFile)) return null;
	const pid = Number(readFileSync(pidFile, "utf8").trim());
	return Number.isInteger(pid) && pid > 0 ? pid : null;
}

function alive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
}

/** The session processes an sshd listener forked (each connection's privileged child). */
function childrenOf(pid: number): number[] {
	try {
		return execFileSync("ps", ["-o", "pid=", "--ppid", String(pid)], { encoding: "utf8" })
			.split("\n")
			.map((l) => Number(l.trim()))
			.filter((n) => n > 0);
	} catch {
		return [];
	}
}

async function listening(port: number, up: boolean): Promise<void> {
	const end = Date.now() + 10_000;
	for (;;) {
		const open = await new Promise<boolean>((resolve) => {
			const socket = createServer().once("error", () => resolve(true));
			socket.listen(port, "127.0.0.1", () => socket.close(() => resolve(false)));
		});
		if (open === up) return;
		if (Date.now() > end) throw new Error(`sshd on port ${port} did not ${up ? "start" : "stop"}`);
		await sleep(100);
	}
}

/** An sshd on a free port, not started yet; killed at the end of the test file. */
export async function extraSshd(): Promise<ExtraSshd> {
	const port = await freePort();
	const pidFile = join(tempDir("ct-sshd-"), "sshd.pid");
	const command = ["/usr/sbin/sshd", "-f", sshdConfig(), "-p", String(port), "-o", `PidFile=${pidFile}`];
	const sshd: ExtraSshd = {
		port,
		pidFile,
		command,
		async start() {
			execFileSync(command[0] as string, command.slice(1));
			await listening(port, true);
		},
		kill() {
			const pid = pidOf(pidFile);
			if (pid === null) return;
			const sessions = childrenOf(pid);
			for (const p of [pid, ...sessions]) {
				try {
					process.kill(p, "SIGKILL");
				} catch {
					// gone already
				}
			}
			rmSync(pidFile, { force: true });
		},
		running() {
			const pid = pidOf(pidFile);
			return pid !== null && alive(pid);
		},
	};
	atEnd(() => sshd.kill());
	return sshd;
}

/** Waits until nothing listens on the port any more. */
export const stopped = (sshd: ExtraSshd) => listening(sshd.port, false);
