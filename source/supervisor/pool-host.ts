/**
 * One member of a pool as the supervisor sees it: whether it answers, its cores (`nproc`, read
 * once) and its load (`/proc/loadavg`), asked over the host's own shared connection every
 * `check_seconds`; and, for machines that sleep or live in a cloud, the user's commands that
 * bring it up and take it down, run without a shell from their argument lists.
 */
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import type { PoolMember } from "../config/pool.js";
import { firstLine } from "../runner/ssh/errors.js";
import type { SshBackend } from "../runner/ssh.js";

/** One round trip: the cores, then the load averages. */
const probeScript = "nproc 2>/dev/null || getconf _NPROCESSORS_ONLN; cat /proc/loadavg 2>/dev/null";
/** A start command's host that still does not answer after this long may be started again. */
const startPatienceMs = 10 * 60_000;
/** A user's start or stop command that runs longer than this is ended. */
const commandTimeoutMs = 5 * 60_000;

export class PoolHost {
	/** null: not asked yet. */
	up: boolean | null = null;
	nproc: number | null = null;
	load = 0;
	/** Why it is down, for the wait reason. */
	why = "";
	/** When start_command was run (null: not since the host was last seen up). */
	startedAt: number | null = null;
	/** The last start or stop command's failure, for the wait reason. */
	commandFailure = "";
	/** Since when it has had no job of crystal-tui while up (for stop_command). */
	idleSince: number | null = null;
	private checking: Promise<void> | null = null;
	private nextCheck = 0;

	constructor(
		readonly name: string,
		readonly backend: SshBackend,
		/** The member entry, kept up to date from the pool it was last placed from. */
		public member: PoolMember,
		public checkMs: number,
		private readonly log: (text: string) => void,
	) {}

	get due(): boolean {
		return !this.checking && Date.now() >= this.nextCheck;
	}

	get starting(): boolean {
		return this.startedAt !== null && this.up !== true && Date.now() - this.startedAt < startPatienceMs;
	}

	/** Asks the host now (one check at a time); resolves when answered. True if `up` changed. */
	async check(): Promise<boolean> {
		const before = [this.up, this.nproc].join();
		this.checking ??= this.ask().finally(() => {
			this.checking = null;
			this.nextCheck = Date.now() + this.checkMs;
		});
		await this.checking;
		return [this.up, this.nproc].join() !== before;
	}

	private async ask(): Promise<void> {
		const connection = this.backend.connection;
		let result: Awaited<ReturnType<typeof connection.run>>;
		try {
			result = await connection.run(probeScript, { timeoutMs: 30_000 });
		} catch (error) {
			this.markDown((error as Error).message);
			return;
		}
		// 255 is ssh's own failure; any other status is the host answering.
		if (result.code === 255 || result.code === null) {
			this.markDown(connection.classify(result)?.message ?? (firstLine(result.stderr) || "no answer"));
			return;
		}
		const [cores, loadavg] = result.stdout.toString("utf8").trim().split("\n");
		if (this.nproc === null) {
			const n = Number(cores);
			this.nproc = Number.isInteger(n) && n > 0 ? n : 1;
		}
		const load = Number(loadavg?.split(/\s+/)[0]);
		this.load = Number.isFinite(load) && load >= 0 ? load : 0;
		if (this.up === false) this.log(`pool host ${this.name} answers again`);
		this.up = true;
		this.why = "";
		this.startedAt = null;
	}

	private markDown(why: string): void {
		if (this.up !== false) this.log(`pool host ${this.name} does not answer: ${why}`);
		this.up = false;
		this.why = why;
		this.idleSince = null;
	}

	/** Runs start_command, once until the host answers (or has had long enough to). */
	start(): void {
		const command = this.member.startCommand;
		if (!command || this.starting) return;
		this.startedAt = Date.now();
		this.nextCheck = 0;
		void this.run("start_command", command);
	}

	/** Runs stop_command; the host counts as down from now on (until it answers again). */
	stop(): void {
		const command = this.member.stopCommand;
		if (!command) return;
		this.up = false;
		this.why = "stopped after being idle";
		this.idleSince = null;
		this.startedAt = null;
		// Give it time to go down before asking again (it may still answer meanwhile).
		this.nextCheck = Date.now() + Math.max(this.checkMs, 60_000);
		void this.run("stop_command", command);
	}

	private async run(what: string, command: string[]): Promise<void> {
		const [file, ...args] = command as [string, ...string[]];
		this.log(`pool host ${this.name}: running ${what} ${JSON.stringify(command)}`);
		// Output to a file, not a pipe: a command that leaves a daemon behind (sshd, a VM) must
		// not keep us waiting on a pipe the daemon inherited.
		const logFile = join(tmpdir(), `crystal-tui-${process.getuid?.() ?? "u"}-${this.name}.log`);
		const r = await execa(file, args, {
			reject: false,
			stdin: "ignore",
			stdout: { file: logFile, append: true },
			stderr: { file: logFile, append: true },
			timeout: commandTimeoutMs,
		});
		if (r.failed) {
			const why = r.timedOut ? "timed out" : r.exitCode !== undefined ? `exit ${r.exitCode}` : r.shortMessage;
			this.commandFailure = `${what} of ${this.name} failed (${why}; its output is in ${logFile})`;
			this.log(this.commandFailure);
		} else {
			this.commandFailure = "";
		}
	}
}
