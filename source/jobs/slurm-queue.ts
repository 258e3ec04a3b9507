/**
 * The queue view's side of a project: the user's SLURM jobs on the configured clusters, each
 * marked with whether a pane of this project follows it, and what adopting one as a pane takes
 * (which file to follow, where its job script keeps an exit record, if it has one).
 */
import { posix } from "node:path";
import type { JobHandle } from "../runner/backend.js";
import type { RunRecord } from "../runner/run-store.js";
import { activeStates, type JobSpec, LaunchError } from "../runner/runner.js";
import { parseScontrol, type SlurmJobInfo } from "../runner/slurm/queue.js";
import { slurmState } from "../runner/slurm/states.js";
import type { SlurmBackend } from "../runner/slurm.js";
import type { ClusterSync, QueueJob, QueueListing } from "./controller.js";

export interface SlurmCluster {
	name: string;
	backend: SlurmBackend;
}

/** Where crystal-tui's sbatch sends the batch log, and where its job script lives. */
const crystalTuiStdout = /\/\.crystal-tui\/runs\/slurm-\d+(_\d+)?\.out$/;
const crystalTuiScript = /\/\.crystal-tui\/runs\/([^/]+)\/job\.sh$/;
const validId = /^\d+(_\d+)?$/;

/** The job id of a pane adopted from the queue. */
export const adoptedJobId = (cluster: string, slurmJobId: string): string => `slurm/${cluster}/${slurmJobId}`;

/** The record of this project that follows (or followed) a SLURM job, if any. */
export function recordFollowing(
	records: readonly RunRecord[],
	cluster: string,
	slurmJobId: string,
): RunRecord | undefined {
	const matching = records.filter(
		(r) => r.handle?.runner === "slurm" && r.handle.host === cluster && r.handle.slurmJobId === slurmJobId,
	);
	return matching.find((r) => activeStates.has(r.state)) ?? matching[0];
}

function queueJob(cluster: string, info: SlurmJobInfo, records: readonly RunRecord[]): QueueJob {
	const state = slurmState(info.state, info.reason);
	return {
		cluster,
		slurmJobId: info.id,
		name: info.name,
		state: info.state,
		stateText: state.text,
		active: state.phase !== "ended",
		timeUsed: info.timeUsed,
		nodes: info.nodes,
		partition: info.partition,
		workDir: info.workDir,
		fromCrystalTui: crystalTuiStdout.test(info.stdout),
		followedAs: recordFollowing(records, cluster, info.id)?.jobId ?? null,
	};
}

/** Pending and running jobs first, then the ones that ended; newest first within each. */
function order(a: QueueJob, b: QueueJob): number {
	if (a.active !== b.active) return a.active ? -1 : 1;
	if (a.cluster !== b.cluster) return a.cluster < b.cluster ? -1 : 1;
	const [x, y] = [a.slurmJobId, b.slurmJobId].map((id) => Number.parseInt(id, 10));
	return (y ?? 0) - (x ?? 0) || (a.slurmJobId < b.slurmJobId ? -1 : 1);
}

/** One squeue per cluster at most per its poll interval: the runner's polls share the answer. */
export async function listQueue(
	clusters: readonly SlurmCluster[],
	records: readonly RunRecord[],
): Promise<QueueListing> {
	const answers = await Promise.all(
		clusters.map(async ({ name, backend }): Promise<{ sync: ClusterSync; jobs: QueueJob[] }> => {
			try {
				const snapshot = await backend.queue.current();
				const jobs = [...snapshot.jobs.values()].map((info) => queueJob(name, info, records));
				return { sync: { name, syncedAt: snapshot.at, error: null }, jobs };
			} catch (error) {
				const message = error instanceof Error ? error.message : String(error);
				return { sync: { name, syncedAt: backend.queue.lastSync, error: message }, jobs: [] };
			}
		}),
	);
	const intervals = clusters.map((c) => c.backend.queue.intervalMs / 1000);
	return {
		clusters: answers.map((a) => a.sync),
		jobs: answers.flatMap((a) => a.jobs).sort(order),
		refreshSeconds: intervals.length ? Math.max(1, Math.min(...intervals)) : 30,
	};
}

/** What SLURM knows of one job now: scontrol (it also tells the batch script), else squeue. */
async function currentInfo(cluster: SlurmCluster, slurmJobId: string): Promise<SlurmJobInfo | undefined> {
	const { backend } = cluster;
	const r = await backend.machine.run(`scontrol show job -o ${slurmJobId}`);
	if (r.code === 0) {
		const found = parseScontrol(r.stdout.toString("utf8")).find((j) => j.id === slurmJobId);
		if (found) return found;
	}
	const snapshot = await backend.queue.current();
	return snapshot.jobs.get(slurmJobId);
}

const given = (value: string | undefined): string | undefined =>
	value && value !== "(null)" && value !== "Unknown" && value !== "None" ? value : undefined;

export interface Adoption {
	spec: JobSpec;
	handle: JobHandle;
	/** The state in a sentence, for the pane until the first poll. */
	detail: string;
	/** Epoch ms when SLURM started it, or now if it has not started. */
	startedAt: number;
}

/**
 * The job record that follows a SLURM job as a pane. A job crystal-tui submitted (its batch
 * script is `.crystal-tui/runs/NAME/job.sh`) is followed by its NAME.out and exit record;
 * any other job by the file its stdout goes to, and its end is what SLURM says.
 */
export async function adoption(cluster: SlurmCluster, slurmJobId: string): Promise<Adoption> {
	if (!validId.test(slurmJobId)) {
		throw new LaunchError(`${JSON.stringify(slurmJobId)} is not a SLURM job id`);
	}
	const info = await currentInfo(cluster, slurmJobId);
	if (!info) {
		throw new LaunchError(
			`SLURM job ${slurmJobId} is not known on cluster ${cluster.name} (it may have left the queue)`,
		);
	}
	const workDir = given(info.workDir);
	const script = crystalTuiScript.exec(given(info.command) ?? "");
	let name: string;
	let runDir = "";
	let outputPath: string | undefined;
	if (script?.[1] && workDir) {
		name = script[1];
		runDir = posix.dirname(given(info.command) ?? "");
		outputPath = posix.join(workDir, `${name}.out`);
	} else {
		name = info.name || `slurm-${slurmJobId}`;
		outputPath = given(info.stdout);
	}
	if (!outputPath || outputPath === "/dev/null") {
		throw new LaunchError(
			`SLURM job ${slurmJobId} on ${cluster.name} writes its output nowhere crystal-tui can follow (stdout: ${info.stdout || "none"})`,
		);
	}
	const started = Date.parse(given(info.startTime) ?? "");
	const now = Date.now();
	return {
		spec: {
			id: adoptedJobId(cluster.name, slurmJobId),
			name,
			dir: workDir ?? posix.dirname(outputPath),
			runner: "slurm",
			host: cluster.name,
			parallelism: { ranks: 1, threads: 1 },
		},
		handle: {
			runner: "slurm",
			host: cluster.name,
			workDir: workDir ?? posix.dirname(outputPath),
			runDir,
			pgid: null,
			pidStart: null,
			slurmJobId,
			launchedAt: now,
			outputPath,
			adopted: true,
		},
		detail: slurmState(info.state, info.reason).text,
		startedAt: Number.isFinite(started) && started <= now ? started : now,
	};
}
