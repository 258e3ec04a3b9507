/**
 * Where SLURM commands run: this machine (crystal-tui on a login node) or a login node reached
 * through an ssh connection. Both take a POSIX sh script whose values are already quoted.
 */
import { execa } from "execa";
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

	/** sbatch, squeue, scontrol, sacct, scancel: a timeout ends sh with SIGTERM, then SIGKILL
	 * if it does not go (execa's escalation). */
	async run(script: string, options: RunOptions = {}): Promise<RunResult> {
		const r = await execa("sh", ["-c", script], {
			input: options.input ?? "",
			encoding: "buffer",
			stripFinalNewline: false,
			reject: false,
			...(options.timeoutMs ? { timeout: options.timeoutMs, forceKillAfterDelay: 2000 } : {}),
		});
		if (r.exitCode === undefined && !r.signal && !r.timedOut)
			throw new Error(`sh could not be started: ${r.shortMessage}`);
		return {
			code: r.exitCode ?? null,
			stdout: Buffer.from(r.stdout),
			stderr: Buffer.from(r.stderr).toString("utf8"),
		};
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
