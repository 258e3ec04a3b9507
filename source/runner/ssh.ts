/**
 * The SSH backend: runs the generated job script on a remote host through the system OpenSSH
 * client (one multiplexed connection per host). Inputs are sent once into a remote job folder
 * that mirrors the project's layout, the script runs there under `nohup setsid` (it survives
 * the connection and crystal-tui), NAME.out is followed by byte offset, results come back at
 * the end by the same staging table as every backend.
 */
import { rename } from "node:fs/promises";
import { join, posix } from "node:path";
import type { HostConfig } from "../config/load.js";
import type { DeckInfo } from "../crystal/deck.js";
import { type JobProgram, outputFileName, runName, stageIn, stageOut } from "../crystal/staging.js";
import type { Backend, FollowCallbacks, Follower, JobHandle, Liveness } from "./backend.js";
import { checkContainer } from "./container-check.js";
import { startedWithRecord, writtenSince } from "./launch-trace.js";
import { checkCores } from "./preflight.js";
import { type JobSpec, LaunchError } from "./runner.js";
import { executableOf, jobScript } from "./script.js";
import { shellQuote as q } from "./shell-quote.js";
import { SshConnection, type SshConnectionOptions } from "./ssh/connection.js";
import { SshError } from "./ssh/errors.js";
import { RemoteFollower, type RemoteFollowOptions } from "./ssh/follow.js";
import { remoteJobDir, runDirFor } from "./ssh/layout.js";
import {
	killScript,
	launchScript,
	livenessScript,
	parseLaunch,
	parseLiveness,
	parseRecover,
	recoverScript,
} from "./ssh/remote-job.js";
import { download, upload } from "./ssh/transfer.js";

export interface SshBackendOptions {
	host: HostConfig;
	/** The project folder: job folders are placed remotely by their path inside it. */
	projectDir: string;
	connection?: SshConnectionOptions;
	follow?: RemoteFollowOptions;
	/** Free space (kB) the remote root must have before a launch. */
	minFreeKb?: number;
}

/** Files copied back besides the staging table: the log and the geometry an optimisation replaced. */
const extraResults = (name: string, program?: JobProgram): string[] =>
	program === "properties" ? [outputFileName(name, program)] : [outputFileName(name), `${name}.gui.orig`];

export class SshBackend implements Backend {
	readonly kind = "ssh" as const;
	readonly connection: SshConnection;
	private home: string | null = null;
	private cores: number | null = null;
	private readonly host: HostConfig;

	constructor(private readonly options: SshBackendOptions) {
		this.host = options.host;
		this.connection = new SshConnection(
			{
				name: this.host.name,
				address: this.host.address,
				user: this.host.user,
				port: this.host.port,
				identityFile: this.host.identityFile,
				sshConfig: this.host.sshConfig,
				sshOptions: this.host.sshOptions,
				acceptNewHostKey: this.host.acceptNewHostKey,
				where: `[hosts.${this.host.name}] of ${this.host.file}`,
			},
			options.connection,
		);
	}

	/** The remote $HOME, asked once per backend (also proves the connection works). */
	async remoteHome(): Promise<string> {
		if (this.home) return this.home;
		const out = await this.connection.exec(`printf '%s\\n' "$HOME"`);
		const home = out.split("\n")[0]?.trim();
		if (!home?.startsWith("/"))
			throw new SshError("remote", `${this.host.name} did not report a home folder`);
		this.home = home;
		return home;
	}

	/** A configured remote path, relative ones taken from the remote home. */
	private async remotePath(path: string | undefined): Promise<string | null> {
		if (!path) return null;
		return posix.isAbsolute(path) ? path : posix.join(await this.remoteHome(), path);
	}

	async remoteDir(job: JobSpec): Promise<string> {
		return remoteJobDir(
			await this.remoteHome(),
			this.host.remoteRoot,
			job.projectDir ?? this.options.projectDir,
			job.dir,
		);
	}

	async preflight(job: JobSpec): Promise<void> {
		try {
			const dir = await this.remoteDir(job);
			const root = posix.isAbsolute(this.host.remoteRoot)
				? this.host.remoteRoot
				: posix.join(await this.remoteHome(), this.host.remoteRoot);
			checkCores(job.parallelism, await this.coreCount(), this.host.name);
			await (this.host.container ? this.checkContainer(job) : this.checkCrystal(job));
			await this.checkSpace(root, dir);
		} catch (error) {
			throw asLaunchError(error);
		}
	}

	private checkContainer(job: JobSpec): Promise<void> {
		const container = this.host.container;
		if (!container) return Promise.resolve();
		const machine = {
			label: this.host.name,
			run: async (script: string) => {
				const r = await this.connection.run(script);
				// ssh's own failure (255) is the connection's, not the container's.
				const lost = r.code === 255 ? this.connection.classify(r) : null;
				if (lost) throw lost;
				return r;
			},
		};
		const where = `[hosts.${this.host.name}] of ${this.host.file}`;
		return checkContainer(machine, {
			container,
			parallelism: job.parallelism,
			...(job.program ? { program: job.program } : {}),
			launcher: "mpirun",
			where,
		});
	}

	/** The host's cores, asked once (`nproc`: the cores this login may use there). */
	private async coreCount(): Promise<number> {
		if (this.cores) return this.cores;
		const cores = Number((await this.connection.exec("nproc")).trim());
		if (!Number.isSafeInteger(cores) || cores < 1)
			throw new SshError("remote", `${this.host.name} did not report its number of cores (nproc)`);
		this.cores = cores;
		return cores;
	}

	private async checkCrystal(job: JobSpec): Promise<void> {
		const program = executableOf(job);
		const where = `[hosts.${this.host.name}] of ${this.host.file}`;
		const crystalDir = await this.remotePath(this.host.crystalDir);
		if (crystalDir) {
			const exe = posix.join(crystalDir, program);
			const r = await this.connection.run(`[ -x ${q(exe)} ] && [ -f ${q(exe)} ]`);
			this.connection.check({ ...r, code: r.code === 1 ? 0 : r.code });
			if (r.code === 1) {
				throw new SshError(
					"crystal-missing",
					`CRYSTAL not found on ${this.host.name}: ${exe} is not an executable file (check crystal_dir in ${where})`,
				);
			}
			return;
		}
		// Modules put CRYSTAL on PATH only inside a login shell where `module` exists.
		const loads = this.host.modules.map((m) => `module load ${q(m)} > /dev/null 2>&1`).join("; ");
		const script = this.host.modules.length
			? `. /etc/profile > /dev/null 2>&1; command -v module > /dev/null 2>&1 || exit 0; ${loads}; command -v ${program}`
			: `command -v ${program}`;
		const r = await this.connection.run(script);
		this.connection.check({ ...r, code: r.code === 1 || r.code === 127 ? 0 : r.code });
		if (r.code !== 0) {
			throw new SshError(
				"crystal-missing",
				`CRYSTAL not found on ${this.host.name}: ${program} is not on the remote PATH${this.host.modules.length ? ` after module load ${this.host.modules.join(" ")}` : ""} (set crystal_dir or modules in ${where})`,
			);
		}
	}

	private async checkSpace(root: string, dir: string): Promise<void> {
		const out = await this.connection.exec(`mkdir -p -- ${q(dir)} && df -Pk -- ${q(root)} | tail -n 1`);
		const free = Number(out.trim().split(/\s+/)[3]);
		const need = this.options.minFreeKb ?? 10_240;
		if (Number.isFinite(free) && free < need) {
			throw new SshError(
				"disk-full",
				`remote disk full on ${this.host.name}: only ${free} kB free under ${root}`,
			);
		}
	}

	async launch(job: JobSpec, deck: DeckInfo): Promise<JobHandle> {
		try {
			const workDir = await this.remoteDir(job);
			const runDir = runDirFor(workDir, runName(job.name, job.program));
			await upload(
				this.connection,
				job.dir,
				stageIn(job.name, job.geometryFrom, job.deckPath, job.program).map((f) => f.job),
				workDir,
			);
			const text = jobScript({
				name: job.name,
				...(job.program ? { program: job.program } : {}),
				jobDir: workDir,
				runDir,
				scratchRoot: await this.remotePath(this.host.scratchDir),
				isOptimisation: deck.kind === "optgeom",
				parallelism: job.parallelism,
				exeDir: await this.remotePath(this.host.crystalDir),
				mpiLauncher: "mpirun",
				keepScratch: job.keepScratch ?? false,
				...(job.geometryFrom ? { geometryFrom: job.geometryFrom } : {}),
				...(job.deckPath ? { deckFrom: job.deckPath } : {}),
				modules: this.host.modules,
				env: this.host.env,
				...(this.host.container ? { container: this.host.container } : {}),
			});
			// The local copy of an earlier log is set aside too: the new one comes back at the end.
			const output = outputFileName(job.name, job.program);
			await rename(join(job.dir, output), join(job.dir, `${output}.prev`)).catch(() => {});
			const r = await this.connection.run(launchScript(workDir, runDir, output), {
				input: text,
			});
			this.connection.check(r, "starting the job script");
			const { pid, start } = parseLaunch(r.stdout.toString("utf8"));
			return {
				runner: "ssh",
				host: this.host.name,
				workDir,
				runDir,
				pgid: pid,
				pidStart: start,
				launchedAt: Date.now(),
			};
		} catch (error) {
			throw asLaunchError(error);
		}
	}

	async recover(job: JobSpec, since: number): Promise<JobHandle | null> {
		const workDir = await this.remoteDir(job);
		const runDir = runDirFor(workDir, runName(job.name, job.program));
		const record = parseRecover(await this.connection.exec(recoverScript(runDir)), Date.now());
		// No record, or an earlier run's.
		if (!record || !writtenSince(record.writtenAt, since)) return null;
		const ours = startedWithRecord(record.startedAt, record.writtenAt);
		return {
			runner: "ssh",
			host: this.host.name,
			workDir,
			runDir,
			pgid: ours ? record.pid : null,
			pidStart: ours ? record.start : null,
			launchedAt: record.writtenAt,
		};
	}

	async liveness(handle: JobHandle): Promise<Liveness> {
		const [one] = await this.check([handle]);
		return one ?? { alive: true };
	}

	async livenessMany(handles: JobHandle[]): Promise<Map<JobHandle, Liveness>> {
		const results = await this.check(handles);
		return new Map(handles.map((h, i) => [h, results[i] ?? { alive: true }]));
	}

	/** One round trip for every job; a connection failure says "alive, host unreachable" rather
	 * than declaring jobs dead that may well be running. */
	private async check(handles: JobHandle[]): Promise<Liveness[]> {
		if (handles.length === 0) return [];
		const r = await this.connection.run(livenessScript(handles));
		if (r.code !== 0) {
			const why = this.connection.classify(r)?.message ?? `liveness check failed on ${this.host.name}`;
			return handles.map(() => ({ alive: true, detail: why }));
		}
		return parseLiveness(
			r.stdout.toString("utf8"),
			handles.length,
			handles.map((h) => h.runDir),
		);
	}

	outputIsRemote(): boolean {
		return true;
	}

	follow(handle: JobHandle, outputFile: string, offset: number, callbacks: FollowCallbacks): Follower {
		return new RemoteFollower(
			this.connection,
			posix.join(handle.workDir, outputFile),
			offset,
			callbacks,
			this.options.follow,
		);
	}

	async kill(handle: JobHandle, options: { force: boolean; graceMs: number }): Promise<void> {
		const r = await this.connection.run(killScript(handle, options.force, options.graceMs), {
			timeoutMs: options.graceMs + 30_000,
		});
		this.connection.check(r, "stopping the job");
	}

	async retrieve(handle: JobHandle, job: JobSpec): Promise<void> {
		const names = [
			...new Set([
				...stageOut(job.name, true, job.program).map((f) => f.job),
				...extraResults(job.name, job.program),
			]),
		];
		await download(this.connection, handle.workDir, names, job.dir);
	}

	async close(): Promise<void> {
		await this.connection.close();
	}
}

function asLaunchError(error: unknown): Error {
	if (error instanceof LaunchError) return error;
	if (error instanceof SshError) return new LaunchError(error.message);
	return error instanceof Error ? error : new Error(String(error));
}
