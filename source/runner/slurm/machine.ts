/**
 * Where SLURM commands run: this machine (crystal-tui on a login node) or a login node reached
 * through an ssh connection. Both take a POSIX sh script whose values are already quoted.
 */
import { spawn } from "node:child_process";
import type { RunOptions, RunResult, SshConnection } from "../ssh/connection.js";
import { firstLine } from "../ssh/errors.js";

export interface Machine {
	/** For messages: "this machine" or the host's name. */
	readonly label: string;
	run(script: string, options?: RunOptions): Promise<RunResult>;
	/** Runs and returns stdout; throws with a clear message when the script fails. */
	exec(script: string, options?: RunOptions, what?: string): Promise<string>;
}

export class LocalMachine implements Machine {
	readonly label = "this machine";

	run(script: string, options: RunOptions = {}): Promise<RunResult> {
		return new Promise((resolve, reject) => {
			const child = spawn("sh", ["-c", script], { stdio: "pipe" });
			const out: Buffer[] = [];
			let err = "";
			const timer = options.timeoutMs ? setTimeout(() => child.kill("SIGTERM"), options.timeoutMs) : null;
			child.stdout.on("data", (d: Buffer) => out.push(d));
			child.stderr.on("data", (d: Buffer) => {
				err += d.toString("utf8");
			});
			child.on("error", reject);
			child.on("close", (code) => {
				if (timer) clearTimeout(timer);
				resolve({ code, stdout: Buffer.concat(out), stderr: err });
			});
			child.stdin.on("error", () => {});
			child.stdin.end(options.input ?? "");
		});
	}

	async exec(script: string, options: RunOptions = {}, what = "a command"): Promise<string> {
		const r = await this.run(script, options);
		if (r.code !== 0)
			throw new Error(
				`${what} failed on ${this.label} (exit ${r.code}): ${firstLine(r.stderr) || "no message"}`,
			);
		return r.stdout.toString("utf8");
	}
}

export class RemoteMachine implements Machine {
	readonly label: string;

	constructor(private readonly conn: SshConnection) {
		this.label = conn.target.name;
	}

	run(script: string, options: RunOptions = {}): Promise<RunResult> {
		return this.conn.run(script, options);
	}

	async exec(script: string, options: RunOptions = {}, what = "a command"): Promise<string> {
		const r = await this.conn.run(script, options);
		this.conn.check(r, what);
		return r.stdout.toString("utf8");
	}
}
