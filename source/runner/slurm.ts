/**
 * The SLURM backend: the generated job script, with #SBATCH lines, handed to `sbatch` on this
 * machine (crystal-tui on a login node) or on a login node reached through the SSH backend's
 * connection. Jobs are followed with one `squeue` for all of them (at the configured interval),
 * their exit records, and `sacct` or `scontrol` for jobs that have left the queue. Output comes
 * from NAME.out as it grows, stop is `scancel`, and `afterok` dependencies chain jobs.
 */
import { mkdir, rename } from "node:fs/promises";
import { join } from "node:path";
import type { ClusterConfig, HostConfig } from "../config/load.js";
import type { DeckInfo } from "../crystal/deck.js";
import { outputFileName, runName, stageIn } from "../crystal/staging.js";
import type { Backend, ExitRecord, FollowCallbacks, Follower, JobHandle, Liveness } from "./backend.js";
import { checkContainer } from "./container-check.js";
import { writtenSince } from "./launch-trace.js";
import { checkAllocation } from "./preflight.js";
import { type JobSpec, LaunchError } from "./runner.js";
import { executableOf, jobScript } from "./script.js";
import { shellQuote as q } from "./shell-quote.js";
import { resourcesFor, sbatchHeader, slurmJobName } from "./slurm/header.js";
import { LocalMachine, type Machine, RemoteMachine } from "./slurm/machine.js";
import { type SlurmJobInfo, SlurmQueue } from "./slurm/queue.js";
import { slurmState } from "./slurm/states.js";
import { SshError } from "./ssh/errors.js";
import { RemoteFollower } from "./ssh/follow.js";
import { runDirFor } from "./ssh/layout.js";
import { livenessScript, parseLiveness } from "./ssh/remote-job.js";
import { upload } from "./ssh/transfer.js";
import { SshBackend, type SshBackendOptions } from "./ssh.js";
import { followFile } from "./tail.js";

export interface SlurmBackendOptions {
	cluster: ClusterConfig;
	/** The cluster's login host, when jobs are submitted over ssh (cluster.host). */
	host?: HostConfig;
	projectDir: string;
	ssh?: Omit<SshBackendOptions, "host" | "projectDir">;
	/** How often local NAME.out files are read, ms. */
	followIntervalMs?: number;
}

const validId = (id: string | undefined): id is string => !!id && /^\d+(_\d+)?$/.test(id);
/** The job id in sbatch --parsable's answer ("ID" or "ID;CLUSTER"); null when it is none. */
const jobIdOf = (answer: string | undefined): string | null => {
	const id = answer?.split(";")[0]?.trim();
	return validId(id) ? id : null;
};

const clock = (ms: number): string => new Date(ms).toTimeString().slice(0, 8);

export class SlurmBackend implements Backend {
	readonly kind = "slurm" as const;
	readonly machine: Machine;
	readonly queue: SlurmQueue;
	/** The login host's SSH backend when submitting remotely (staging, following, retrieval). */
	readonly ssh: SshBackend | null;
	private readonly cluster: ClusterConfig;
	/** SLURM ids of the jobs this backend submitted (or is submitting), by crystal-tui job id,
	 * for afterok: a dependent job submitted at the same moment waits for its parent's id. */
	private readonly submitted = new Map<string, Promise<string>>();

	constructor(private readonly options: SlurmBackendOptions) {
		this.cluster = options.cluster;
		if (this.cluster.host && !options.host) {
			throw new LaunchError(
				`[clusters.${this.cluster.name}] goes through host ${this.cluster.host}, which is not defined`,
			);
		}
		this.ssh = options.host
			? new SshBackend({ ...options.ssh, host: options.host, projectDir: options.projectDir })
			: null;
		this.machine = this.ssh ? new RemoteMachine(this.ssh.connection) : new LocalMachine();
		this.queue = new SlurmQueue(this.machine, this.cluster.pollIntervalSeconds * 1000);
	}

	private where(): string {
		return `[clusters.${this.cluster.name}] of ${this.cluster.file}`;
	}

	private async jobDir(job: JobSpec): Promise<string> {
		return this.ssh ? this.ssh.remoteDir(job) : job.dir;
	}

	private async remotePath(path: string | undefined): Promise<string | null> {
		if (!path) return null;
		if (!this.ssh || path.startsWith("/")) return path;
		return `${await this.ssh.remoteHome()}/${path}`;
	}

	async preflight(job: JobSpec): Promise<void> {
		try {
			checkAllocation(job, this.cluster, this.where());
			const r = await this.machine.run("command -v sbatch > /dev/null && command -v squeue > /dev/null");
			if (r.code !== 0) {
				if (this.ssh) this.ssh.connection.check({ ...r, code: r.code === 1 || r.code === 127 ? 0 : r.code });
				throw new LaunchError(
					`SLURM (sbatch, squeue) not found on ${this.machine.label}; check ${this.where()}`,
				);
			}
			const resources = resourcesFor(job, this.cluster);
			if (resources.partition) {
				const out = await this.machine.exec(`sinfo -h -o %P -p ${q(resources.partition)}`, {}, "sinfo");
				if (!out.trim()) {
					throw new LaunchError(
						`SLURM partition ${resources.partition} does not exist on ${this.machine.label} (${this.where()})`,
					);
				}
			}
			const { container } = this.cluster;
			const crystalDir = container ? null : await this.remotePath(this.cluster.crystalDir);
			if (container) {
				const check = {
					container,
					parallelism: job.parallelism,
					...(job.program ? { program: job.program } : {}),
					launcher: this.cluster.mpiLauncher,
				};
				await checkContainer(this.machine, { ...check, where: this.where() });
			}
			if (crystalDir) {
				const exe = `${crystalDir.replace(/\/+$/, "")}/${executableOf(job)}`;
				const c = await this.machine.run(`[ -x ${q(exe)} ] && [ -f ${q(exe)} ]`);
				if (c.code !== 0) {
					if (this.ssh) this.ssh.connection.check({ ...c, code: c.code === 1 ? 0 : c.code });
					throw new LaunchError(
						`CRYSTAL not found on ${this.machine.label}: ${exe} is not an executable file (check crystal_dir in ${this.where()})`,
					);
				}
			}
		} catch (error) {
			throw asLaunchError(error);
		}
	}

	/** SLURM ids this job must wait for: jobs submitted here, plus options.afterok ("12:15"). */
	private async dependencies(job: JobSpec): Promise<string[]> {
		const ids: string[] = [];
		for (const dep of job.dependsOn ?? []) {
			const id = this.submitted.get(dep);
			if (!id)
				throw new LaunchError(
					`${job.id} depends on ${dep}, which has no SLURM job submitted by this cluster`,
				);
			ids.push(
				await id.catch(() => {
					throw new LaunchError(`${job.id} depends on ${dep}, which could not be submitted`);
				}),
			);
		}
		const extra = job.options?.afterok;
		if (extra !== undefined) {
			for (const id of String(extra)
				.split(/[:,\s]+/)
				.filter(Boolean)) {
				if (!validId(id))
					throw new LaunchError(`options of ${job.id}: afterok: ${JSON.stringify(id)} is not a SLURM job id`);
				ids.push(id);
			}
		}
		return ids;
	}

	async launch(job: JobSpec, deck: DeckInfo): Promise<JobHandle> {
		const submission = this.submit(job, deck);
		const id = submission.then((h) => h.slurmJobId ?? "");
		id.catch(() => {});
		this.submitted.set(job.id, id);
		return submission;
	}

	private async submit(job: JobSpec, deck: DeckInfo): Promise<JobHandle> {
		try {
			const afterok = await this.dependencies(job);
			const workDir = await this.jobDir(job);
			const runDir = runDirFor(workDir, runName(job.name, job.program));
			const output = outputFileName(job.name, job.program);
			if (this.ssh) {
				await upload(
					this.ssh.connection,
					job.dir,
					stageIn(job.name, job.geometryFrom, job.deckPath, job.program).map((f) => f.job),
					workDir,
				);
				await rename(join(job.dir, output), join(job.dir, `${output}.prev`)).catch(() => {});
			} else {
				await mkdir(runDir, { recursive: true });
			}
			const text = jobScript({
				name: job.name,
				...(job.program ? { program: job.program } : {}),
				jobDir: workDir,
				runDir,
				scratchRoot: await this.remotePath(this.cluster.scratchDir),
				isOptimisation: deck.kind === "optgeom",
				parallelism: job.parallelism,
				exeDir: await this.remotePath(this.cluster.crystalDir),
				mpiLauncher: this.cluster.mpiLauncher,
				keepScratch: job.keepScratch ?? false,
				...(job.geometryFrom ? { geometryFrom: job.geometryFrom } : {}),
				...(job.deckPath ? { deckFrom: job.deckPath } : {}),
				modules: this.cluster.modules,
				env: this.cluster.env,
				header: sbatchHeader(resourcesFor(job, this.cluster)),
				...(this.cluster.container ? { container: this.cluster.container } : {}),
			});
			const out = `${workDir}/${output}`;
			const sbatch = [
				"sbatch --parsable",
				`--job-name=${q(slurmJobName(runName(job.name, job.program)))}`,
				`--chdir=${q(workDir)}`,
				// Relative to --chdir, so no name of ours meets sbatch's % patterns.
				"--output=.crystal-tui/runs/slurm-%j.out",
				afterok.length ? `--dependency=afterok:${afterok.join(":")} --kill-on-invalid-dep=yes` : "",
				q(`${runDir}/job.sh`),
			]
				.filter(Boolean)
				.join(" ");
			const script = `set -e
mkdir -p -- ${q(workDir)} ${q(runDir)}
if [ -e ${q(out)} ]; then mv -f -- ${q(out)} ${q(`${out}.prev`)}; fi
rm -f -- ${q(`${runDir}/exit`)} ${q(`${runDir}/exit.tmp`)} ${q(`${runDir}/pid`)} ${q(`${runDir}/pid.tmp`)} ${q(`${runDir}/slurm-id`)}
cat > ${q(`${runDir}/job.sh.tmp`)}
mv -f -- ${q(`${runDir}/job.sh.tmp`)} ${q(`${runDir}/job.sh`)}
answer=$(${sbatch})
# Kept beside the job before the answer goes back: a crystal-tui that stops before recording
# the id finds the job by it at its next start (recover).
printf '%s\n' "$answer" > ${q(`${runDir}/slurm-id.tmp`)} && mv -f -- ${q(`${runDir}/slurm-id.tmp`)} ${q(`${runDir}/slurm-id`)}
printf '%s\n' "$answer"`;
			const stdout = await this.machine.exec(script, { input: text }, "sbatch");
			const id = jobIdOf(stdout.trim().split("\n").pop());
			if (!id)
				throw new LaunchError(
					`sbatch on ${this.machine.label} did not give a job id: ${JSON.stringify(stdout)}`,
				);
			return this.handle(workDir, runDir, id, Date.now());
		} catch (error) {
			throw asLaunchError(error);
		}
	}

	async recover(job: JobSpec, since: number): Promise<JobHandle | null> {
		const workDir = await this.jobDir(job);
		const runDir = runDirFor(workDir, runName(job.name, job.program));
		const record = q(`${runDir}/slurm-id`);
		const out = await this.machine.exec(
			`[ -s ${record} ] || exit 0; printf '%s %s ' "$(stat -c %Y ${record})" "$(date +%s)"; head -n 1 ${record}`,
			{},
			"reading the job id",
		);
		const [mtime, now, answer] = out.trim().split(/\s+/);
		const id = jobIdOf(answer);
		if (!mtime || !now || !id) return null;
		// On this machine's clock: the offset of the machine's clock removed.
		const writtenAt = Number(mtime) * 1000 + (Date.now() - Number(now) * 1000);
		// The id of an earlier submission.
		if (!writtenSince(writtenAt, since)) return null;
		return this.handle(workDir, runDir, id, writtenAt);
	}

	private handle(workDir: string, runDir: string, slurmJobId: string, launchedAt: number): JobHandle {
		return {
			runner: "slurm",
			host: this.cluster.name,
			workDir,
			runDir,
			pgid: null,
			pidStart: null,
			slurmJobId,
			launchedAt,
		};
	}

	async liveness(handle: JobHandle): Promise<Liveness> {
		return (await this.livenessMany([handle])).get(handle) ?? { alive: true };
	}

	async livenessMany(handles: JobHandle[]): Promise<Map<JobHandle, Liveness>> {
		const result = new Map<JobHandle, Liveness>();
		if (handles.length === 0) return result;
		// Exit records first (no load on the controller): a job that wrote one is over.
		const records = await this.exitRecords(handles);
		const open = handles.filter((h, i) => {
			const r = records[i];
			// A script stopped by a signal is asked about: SLURM knows whether its time limit did
			// it (TIMEOUT), which decides how the run is resumed.
			if (r && !r.alive && r.exit?.how !== "terminated") {
				result.set(h, { ...r, detail: `ended (exit ${r.exit?.code ?? "?"})` });
				return false;
			}
			return true;
		});
		if (open.length === 0) return result;
		let snapshot: Awaited<ReturnType<SlurmQueue["current"]>>;
		try {
			snapshot = await this.queue.current(Math.max(...open.map((h) => h.launchedAt)));
		} catch (error) {
			const why = error instanceof Error ? error.message : String(error);
			for (const h of open) result.set(h, { alive: true, detail: `SLURM not reachable (${why})` });
			return result;
		}
		const synced = `synced ${clock(snapshot.at)}`;
		const gone: JobHandle[] = [];
		for (const h of open) {
			const info = h.slurmJobId ? snapshot.jobs.get(h.slurmJobId) : undefined;
			if (!info) {
				gone.push(h);
				continue;
			}
			const live = this.fromInfo(info, synced);
			if (live) result.set(h, live);
			else gone.push(h);
		}
		if (gone.length > 0) {
			const ids = gone.map((h) => h.slurmJobId).filter(validId);
			const final = await this.queue.lookup(ids).catch(() => new Map<string, SlurmJobInfo>());
			// The exit record may have appeared since it was read.
			const again = await this.exitRecords(gone);
			gone.forEach((h, i) => {
				const rec = again[i];
				const info = h.slurmJobId ? final.get(h.slurmJobId) : undefined;
				const state = info ? slurmState(info.state, info.reason) : null;
				if (state && state.phase !== "ended") {
					result.set(h, { alive: true, detail: `${state.text} · ${synced}` });
					return;
				}
				const exit = rec && !rec.alive ? rec.exit : null;
				const text = state
					? `${state.text}${info?.exitCode && info.exitCode !== "0:0" ? ` (exit ${info.exitCode})` : ""}`
					: "vanished from the SLURM queue";
				// An adopted job never writes crystal-tui's exit record: SLURM's word is the record.
				const missing = exit || (h.adopted && state) ? "" : "; no exit record";
				result.set(h, {
					alive: false,
					exit: exit ?? synthesizedExit(info, h),
					detail: `${text}${missing}`,
					...(state?.killedBy === "cancel" ? { cancelled: true } : {}),
				});
			});
		}
		return result;
	}

	/** Liveness from a squeue line; null when SLURM says the job has ended (then the exit
	 * record or sacct/scontrol decide). */
	private fromInfo(info: SlurmJobInfo, synced: string): Liveness | null {
		const state = slurmState(info.state, info.reason);
		if (state.phase === "ended") return null;
		const where = state.phase === "running" && info.nodes ? ` on ${info.nodes}` : "";
		const time = state.phase === "running" && info.timeUsed ? ` for ${info.timeUsed}` : "";
		return { alive: true, detail: `${state.text}${where}${time} · ${synced}` };
	}

	private async exitRecords(handles: JobHandle[]): Promise<Array<Liveness | undefined>> {
		// A job adopted from the queue that crystal-tui did not submit has no run folder.
		const withRecords = handles.filter((h) => h.runDir !== "");
		if (withRecords.length === 0) return handles.map(() => undefined);
		const r = await this.machine.run(
			livenessScript(withRecords.map((h) => ({ runDir: h.runDir, pgid: null, pidStart: null }))),
		);
		if (r.code !== 0) return handles.map(() => undefined);
		// GONE here only means "no exit record yet": SLURM decides whether the job is over.
		const runDirs = withRecords.map((h) => h.runDir);
		const found = parseLiveness(r.stdout.toString("utf8"), withRecords.length, runDirs).map((l) =>
			l.alive || l.exit ? l : undefined,
		);
		return handles.map((h) => {
			const i = withRecords.indexOf(h);
			return i < 0 ? undefined : found[i];
		});
	}

	outputIsRemote(): boolean {
		return this.ssh !== null;
	}

	follow(handle: JobHandle, outputFile: string, offset: number, callbacks: FollowCallbacks): Follower {
		if (this.ssh) {
			if (handle.outputPath)
				return new RemoteFollower(this.ssh.connection, handle.outputPath, offset, callbacks);
			return this.ssh.follow(handle, outputFile, offset, callbacks);
		}
		return followFile(
			handle.outputPath ?? join(handle.workDir, outputFile),
			offset,
			callbacks,
			this.options.followIntervalMs,
		);
	}

	async kill(handle: JobHandle, options: { force: boolean; graceMs: number }): Promise<void> {
		if (!validId(handle.slurmJobId)) return;
		const id = handle.slurmJobId;
		// scancel: SIGTERM to every step (the job script writes its exit record), SIGKILL after
		// the cluster's KillWait. Forced: SIGKILL to every process of the job first.
		const script = options.force ? `scancel --full --signal=KILL ${id}; scancel ${id}` : `scancel ${id}`;
		await this.machine.exec(script, {}, "scancel");
	}

	async retrieve(handle: JobHandle, job: JobSpec): Promise<void> {
		// An adopted job's files stay where its owner put them.
		if (handle.adopted) return;
		await this.ssh?.retrieve(handle, job);
	}

	async close(): Promise<void> {
		await this.ssh?.close();
	}
}

/** For a job that ended without an exit record (killed for memory, node failure, cancelled
 * before it started): the closest record SLURM can give. */
function synthesizedExit(info: SlurmJobInfo | undefined, handle: JobHandle): ExitRecord | null {
	if (!info) return null;
	const state = slurmState(info.state, info.reason);
	const [code, signal] = (info.exitCode ?? "").split(":").map((n) => Number(n));
	const status = signal && signal > 0 ? 128 + signal : Number.isFinite(code) ? (code as number) : 1;
	return {
		code: state.text === "COMPLETED" ? 0 : status || 1,
		endedAt: Math.floor(Date.now() / 1000),
		startedAt: Math.floor(handle.launchedAt / 1000),
		how: state.killedBy === "cancel" ? "terminated" : "completed",
	};
}

function asLaunchError(error: unknown): Error {
	if (error instanceof LaunchError) return error;
	if (error instanceof SshError) return new LaunchError(error.message);
	return error instanceof Error ? new LaunchError(error.message) : new LaunchError(String(error));
}
