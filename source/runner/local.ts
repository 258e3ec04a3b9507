/**
 * The local backend: runs the job script on this machine, detached in its own session (setsid)
 * so that it outlives crystal-tui, the terminal and the SSH connection crystal-tui came in on.
 * The script's process group holds CRYSTAL and every MPI rank, so a stop signals the group.
 */
import { readFileSync, statSync } from "node:fs";
import { chmod, mkdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import type { ContainerConfig } from "../config/container.js";
import type { DeckInfo } from "../crystal/deck.js";
import { type JobProgram, outputFileName, runName } from "../crystal/staging.js";
import type { Backend, ExitRecord, FollowCallbacks, Follower, JobHandle, Liveness } from "./backend.js";
import { checkContainer, localCheckMachine } from "./container-check.js";
import { findCrystal, findMpirun } from "./crystal-location.js";
import { type EndWatch, watchRunFolder } from "./end-watch.js";
import { exitRecordFrom, parseExitRecord, unreadableExitRecord } from "./exit-record.js";
import { localSlackMs, startedWithRecord, writtenSince } from "./launch-trace.js";
import { checkCores } from "./preflight.js";
import { groupAlive, processStartedAt, processStartTime, signalGroup } from "./process-group.js";
import { type JobSpec, LaunchError } from "./runner.js";
import { executableOf, jobScript } from "./script.js";
import { followFile } from "./tail.js";

export interface LocalBackendOptions {
	/** Folder with the CRYSTAL executables (--crystal-dir); else CRY23_EXEDIR, else PATH. */
	crystalDir?: string | null;
	/** Environment the job runs with (defaults to this process's). */
	env?: NodeJS.ProcessEnv;
	/** Where scratch folders are made; null: $CRYSTAL_TUI_SCRATCH, $TMPDIR or /tmp. */
	scratchRoot?: string | null;
	/** Run CRYSTAL inside this container, for jobs whose spec names none. */
	container?: ContainerConfig;
}

/** Where a job's script, PID record and exit record live, beside its deck. */
/** A job's run folder: its PID and exit records and its job script. */
export const runDirOf = (jobDir: string, name: string, program?: JobProgram): string =>
	join(jobDir, ".crystal-tui", "runs", runName(name, program));

export class LocalBackend implements Backend {
	readonly kind = "local" as const;
	/** Run folders on a local file system (watched): their records are read with plain system
	 * calls, as tail.ts reads a local NAME.out; elsewhere (NFS) a read may stall for seconds and
	 * stays asynchronous. */
	private readonly localRunDirs = new Set<string>();

	constructor(private readonly options: LocalBackendOptions = {}) {}

	/** The job's own environment (the shell that started it), else this backend's. */
	private envOf(job: JobSpec): NodeJS.ProcessEnv {
		return job.env ?? this.options.env ?? process.env;
	}

	private crystalDirOf(job: JobSpec): string | null {
		return job.crystalDir ?? this.options.crystalDir ?? null;
	}

	async preflight(job: JobSpec): Promise<void> {
		checkCores(job.parallelism, availableParallelism(), "this machine");
		const container = job.container ?? this.options.container;
		if (container) {
			const where = "[defaults] of the configuration";
			return checkContainer(localCheckMachine(this.envOf(job)), {
				container,
				parallelism: job.parallelism,
				...(job.program ? { program: job.program } : {}),
				launcher: "mpirun",
				where,
			});
		}
		const program = executableOf(job);
		const found = await findCrystal(program, this.crystalDirOf(job), this.envOf(job));
		if (!found.dir) throw new LaunchError(found.message);
		if (job.parallelism.ranks > 1) {
			if (!(await findMpirun(found.dir, this.envOf(job)))) {
				throw new LaunchError(
					`${job.parallelism.ranks} MPI ranks asked for, but no mpirun was found on PATH: load your MPI module, or run with --ranks 1`,
				);
			}
		}
	}

	async launch(job: JobSpec, deck: DeckInfo): Promise<JobHandle> {
		const program = executableOf(job);
		const container = job.container ?? this.options.container;
		// In a container CRYSTAL is inside the image (preflight looked there).
		const found = container ? null : await findCrystal(program, this.crystalDirOf(job), this.envOf(job));
		if (found && !found.dir) throw new LaunchError(found.message);
		// An mpirun beside the CRYSTAL executables (a private MPI build) wins over the one on PATH.
		const mpirun = job.parallelism.ranks > 1 ? await findMpirun(found?.dir ?? "", this.envOf(job)) : null;
		const runDir = runDirOf(job.dir, job.name, job.program);
		await mkdir(runDir, { recursive: true });
		await Promise.all(["pid", "exit", "scratch"].map((f) => rm(join(runDir, f), { force: true })));
		// A new run starts a new NAME.out; the previous one stays beside it as NAME.out.prev.
		const out = join(job.dir, outputFileName(job.name, job.program));
		await rename(out, `${out}.prev`).catch(() => undefined);
		const scriptPath = join(runDir, "job.sh");
		const text = jobScript({
			name: job.name,
			...(job.program ? { program: job.program } : {}),
			jobDir: job.dir,
			runDir,
			scratchRoot: this.options.scratchRoot ?? null,
			isOptimisation: deck.kind === "optgeom",
			parallelism: job.parallelism,
			exeDir: found?.dir ?? null,
			mpiLauncher: "mpirun",
			...(mpirun ? { mpirun } : {}),
			keepScratch: job.keepScratch ?? false,
			...(job.geometryFrom ? { geometryFrom: job.geometryFrom } : {}),
			...(job.deckPath ? { deckFrom: job.deckPath } : {}),
			...(container ? { container } : {}),
		});
		await writeFile(scriptPath, text, { mode: 0o700 });
		await chmod(scriptPath, 0o700);
		const launchedAt = Date.now();
		// Detached (its own session, setsid) and unref'd: the job is not crystal-tui's child in any
		// way that matters; detached also turns execa's kill-on-exit cleanup off, so nothing of
		// crystal-tui waits for it or kills it on exit. Its end is read from the exit record.
		const child = execa("/bin/sh", [scriptPath], {
			cwd: job.dir,
			env: this.envOf(job),
			extendEnv: false,
			detached: true,
			stdio: "ignore",
			reject: false,
		});
		child.nodeChildProcess.unref();
		const pid = child.pid;
		if (!pid) throw new LaunchError(`could not start /bin/sh for ${job.name}`);
		await waitForFile(join(runDir, "pid"), 5000);
		return {
			runner: "local",
			workDir: job.dir,
			runDir,
			pgid: pid,
			pidStart: processStartTime(pid),
			launchedAt,
		};
	}

	async recover(job: JobSpec, since: number): Promise<JobHandle | null> {
		const runDir = runDirOf(job.dir, job.name, job.program);
		const pidFile = join(runDir, "pid");
		try {
			const [info, text] = await Promise.all([stat(pidFile), readFile(pidFile, "utf8")]);
			// Written by an earlier run, before this launch removed the old records.
			if (!writtenSince(info.mtimeMs, since, localSlackMs)) return null;
			const pid = Number(text.trim());
			if (!Number.isSafeInteger(pid) || pid <= 1) return null;
			const started = processStartedAt(pid);
			const ours = started !== null && startedWithRecord(started.at, info.mtimeMs);
			// A job that has ended has no process: liveness then reads its exit record.
			return {
				runner: "local",
				workDir: job.dir,
				runDir,
				pgid: ours ? pid : null,
				pidStart: ours ? started.ticks : null,
				launchedAt: Math.round(info.mtimeMs),
			};
		} catch {
			return null;
		}
	}

	async liveness(handle: JobHandle): Promise<Liveness> {
		const local = this.localRunDirs.has(handle.runDir);
		const exit = await readExit(handle.runDir, local);
		if (exit) return { alive: false, exit };
		if (handle.pgid && groupAlive(handle.pgid, handle.pidStart)) return { alive: true };
		// The record is written just before the script exits: read once more after the check.
		return { alive: false, exit: await readExit(handle.runDir, local) };
	}

	watchEnd(handle: JobHandle, changed: () => void): EndWatch | null {
		const watch = watchRunFolder(handle.runDir, changed);
		if (watch) this.localRunDirs.add(handle.runDir);
		return watch;
	}

	follow(handle: JobHandle, outputFile: string, offset: number, callbacks: FollowCallbacks): Follower {
		return followFile(join(handle.workDir, outputFile), offset, callbacks);
	}

	async kill(handle: JobHandle, options: { force: boolean; graceMs: number }): Promise<void> {
		if (!handle.pgid) return;
		if (!groupAlive(handle.pgid, handle.pidStart)) return;
		if (options.force) {
			signalGroup(handle.pgid, "SIGKILL");
			return;
		}
		signalGroup(handle.pgid, "SIGTERM");
		const deadline = Date.now() + options.graceMs;
		while (Date.now() < deadline) {
			await sleep(100);
			if (!groupAlive(handle.pgid, null)) return;
		}
		signalGroup(handle.pgid, "SIGKILL");
	}

	async close(): Promise<void> {}
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The exit record; null while there is none. One that exists but cannot be read (empty after
 * a full disk, an I/O error) is a failed end, never "still running". In a `local` folder it is
 * read with plain system calls, and a check of a job that runs on costs one stat. */
async function readExit(runDir: string, local: boolean): Promise<ExitRecord | null> {
	const path = join(runDir, "exit");
	const read = (file: string) => (local ? readFileSync(file, "utf8") : readFile(file, "utf8"));
	const scratch = async () => {
		try {
			return (await read(join(runDir, "scratch"))).trim() || null;
		} catch {
			return null;
		}
	};
	let text: string;
	try {
		if (local && !statSync(path, { throwIfNoEntry: false })) return null;
		text = await read(path);
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		if (code === "ENOENT") return null;
		return unreadableExitRecord(path, `unreadable (${code ?? String(error)})`, await scratch());
	}
	return parseExitRecord(text) ?? exitRecordFrom(text, path, await scratch());
}

async function waitForFile(path: string, timeoutMs: number): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		try {
			await readFile(path);
			return;
		} catch {
			await sleep(20);
		}
	}
}
