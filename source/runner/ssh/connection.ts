/**
 * One multiplexed OpenSSH connection per host, through the system `ssh` so that the user's
 * ~/.ssh/config, agent, ProxyJump and keys apply. The first command opens a ControlMaster under
 * a private 0700 folder of ours; the following ones reuse it (milliseconds instead of a new
 * handshake). BatchMode: never a password prompt, so never a password anywhere.
 *
 * Every remote command is a POSIX sh script run as `sh -c SCRIPT`; values inside the script are
 * quoted by the caller with shellQuote, and the script itself is quoted once more for the
 * remote login shell.
 */
// Only the type: execa starts the process, and its Node ChildProcess (three pipes, the events
// follow.ts and transfer.ts listen to) is what spawn() hands over.
import type { ChildProcessWithoutNullStreams } from "node:child_process";
import { chmodSync, mkdirSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { shellQuote } from "../shell-quote.js";
import { classifySshFailure, firstLine, SshError } from "./errors.js";

/** How to reach a host: the `[hosts.NAME]` entry of the configuration. */
export interface SshTarget {
	/** Configured name, for messages. */
	name: string;
	address: string;
	user?: string;
	port?: number;
	identityFile?: string;
	sshConfig?: string;
	sshOptions?: Record<string, string>;
	acceptNewHostKey?: boolean;
	/** Where the entry is defined, for messages ("crystal-tui.toml [hosts.hpc]"). */
	where?: string;
}

export interface SshConnectionOptions {
	/** Folder for the ControlMaster socket; default $XDG_RUNTIME_DIR/crystal-tui or
	 * ~/.cache/crystal-tui/cm. */
	controlDir?: string;
	/** Seconds the master stays after the last command. */
	persistSeconds?: number;
	connectTimeoutSeconds?: number;
}

export interface RunResult {
	code: number | null;
	stdout: Buffer;
	stderr: string;
}

export interface RunOptions {
	/** Bytes written to the remote command's stdin. */
	input?: string | Buffer;
	/** Kill the local ssh after this long. */
	timeoutMs?: number;
}

/** Unix socket paths are limited to about 100 bytes; %C adds 40. */
const maxControlDirLength = 60;

export function defaultControlDir(): string {
	const runtime = process.env.XDG_RUNTIME_DIR;
	const candidates = [
		runtime ? join(runtime, "crystal-tui") : null,
		join(homedir(), ".cache", "crystal-tui", "cm"),
		join("/tmp", `crystal-tui-${process.getuid?.() ?? "user"}`),
	];
	return (
		candidates.find((c): c is string => c !== null && c.length <= maxControlDirLength) ??
		"/tmp/crystal-tui-cm"
	);
}

export class SshConnection {
	readonly controlDir: string;
	private readonly baseArgs: string[];
	private readonly where: string;

	constructor(
		readonly target: SshTarget,
		options: SshConnectionOptions = {},
	) {
		this.controlDir = options.controlDir ?? defaultControlDir();
		this.where = target.where ?? `[hosts.${target.name}]`;
		const o = (key: string, value: string | number) => ["-o", `${key}=${value}`];
		const args: string[] = ["-T"];
		if (target.sshConfig) args.push("-F", target.sshConfig);
		// Security settings first: for -o options ssh keeps the first value it sees.
		args.push(
			...o("BatchMode", "yes"),
			...o("StrictHostKeyChecking", target.acceptNewHostKey ? "accept-new" : "yes"),
			...o("ControlMaster", "auto"),
			...o("ControlPath", join(this.controlDir, "%C")),
			...o("ControlPersist", options.persistSeconds ?? 600),
		);
		for (const [key, value] of Object.entries(target.sshOptions ?? {})) args.push(...o(key, value));
		args.push(
			...o("ConnectTimeout", options.connectTimeoutSeconds ?? 15),
			...o("ServerAliveInterval", 15),
			...o("ServerAliveCountMax", 3),
			...o("LogLevel", "ERROR"),
		);
		if (target.identityFile) args.push("-i", target.identityFile);
		if (target.port) args.push("-p", String(target.port));
		if (target.user) args.push("-l", target.user);
		this.baseArgs = args;
	}

	/** The ssh arguments up to and including the destination. */
	private argv(extra: string[] = []): string[] {
		return [...this.baseArgs, ...extra, "--", this.target.address];
	}

	private ensureControlDir(): void {
		mkdirSync(this.controlDir, { recursive: true, mode: 0o700 });
		chmodSync(this.controlDir, 0o700);
	}

	/** Starts `sh -c SCRIPT` on the host; the caller owns the streams. Nothing is buffered
	 * (a followed NAME.out streams for hours); ssh is ended when crystal-tui exits. */
	spawn(script: string): ChildProcessWithoutNullStreams {
		this.ensureControlDir();
		const child = execa("ssh", [...this.argv(), `sh -c ${shellQuote(script)}`], {
			stdin: "pipe",
			buffer: false,
			reject: false,
		});
		return child.nodeChildProcess as ChildProcessWithoutNullStreams;
	}

	/** Runs a script and collects its output, whatever its exit status. A timeout ends ssh with
	 * SIGTERM, then SIGKILL if it does not go (execa's escalation). */
	async run(script: string, options: RunOptions = {}): Promise<RunResult> {
		this.ensureControlDir();
		const result = await execa("ssh", [...this.argv(), `sh -c ${shellQuote(script)}`], {
			input: options.input ?? "",
			encoding: "buffer",
			stripFinalNewline: false,
			reject: false,
			...(options.timeoutMs ? { timeout: options.timeoutMs, forceKillAfterDelay: 2000 } : {}),
		});
		if (result.code === "ENOENT")
			throw new SshError("unreachable", "the OpenSSH client (ssh) is not installed on this machine");
		// A failure to start at all (not an exit status) is no SSH message to classify.
		if (result.exitCode === undefined && !result.signal && !result.timedOut)
			throw new Error(`ssh could not be started: ${result.shortMessage}`);
		return {
			code: result.exitCode ?? null,
			stdout: Buffer.from(result.stdout),
			stderr: Buffer.from(result.stderr).toString("utf8"),
		};
	}

	/** Runs a script and returns its stdout; throws an SshError saying what failed. */
	async exec(script: string, options: RunOptions = {}): Promise<string> {
		const result = await this.run(script, options);
		this.check(result);
		return result.stdout.toString("utf8");
	}

	/** Throws the SshError for a failed run. */
	check(result: RunResult, what = "a remote command"): void {
		if (result.code === 0) return;
		const known = this.classify(result);
		if (known) throw known;
		throw new SshError(
			"remote",
			`${what} failed on ${this.target.name} (exit ${result.code ?? "signal"}): ${firstLine(result.stderr) || "no message"}`,
			result.stderr,
		);
	}

	classify(result: Pick<RunResult, "code" | "stderr">): SshError | null {
		return classifySshFailure(result.code, result.stderr, this.target.name, this.where);
	}

	/** Is a master connection open now? */
	async isOpen(): Promise<boolean> {
		const code = await this.control("check");
		return code === 0;
	}

	/** Closes the master connection (commands still running through it are cut). */
	async close(): Promise<void> {
		await this.control("exit");
	}

	private async control(command: "check" | "exit"): Promise<number | null> {
		const result = await execa("ssh", this.argv(["-O", command]), { stdio: "ignore", reject: false });
		return result.exitCode ?? null;
	}
}
