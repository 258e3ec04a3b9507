/**
 * Which queued jobs may launch now: at most `maxJobs` running at once on this machine, in the
 * order they were started, and never before the jobs they depend on have finished well.
 * Jobs that a scheduler queues itself (SLURM) are not counted here.
 */
import { availableParallelism } from "node:os";
import type { JobSpec, Parallelism } from "./runner.js";

export const coresOf = (parallelism: Parallelism): number =>
	Math.max(1, parallelism.ranks) * Math.max(1, parallelism.threads);

/** Default concurrency: as many jobs of the default size as fit the cores, at least one. */
export function defaultMaxJobs(coresPerJob: number, cores = availableParallelism()): number {
	return Math.max(1, Math.floor(cores / Math.max(1, coresPerJob)));
}

export type DependencyStatus = "ok" | "waiting" | "failed";

export class LaunchQueue {
	private readonly waiting: JobSpec[] = [];

	constructor(private readonly maxJobs: number) {}

	has(jobId: string): boolean {
		return this.waiting.some((j) => j.id === jobId);
	}

	push(job: JobSpec): number {
		this.waiting.push(job);
		return this.waiting.length;
	}

	remove(jobId: string): JobSpec | undefined {
		const i = this.waiting.findIndex((j) => j.id === jobId);
		return i < 0 ? undefined : this.waiting.splice(i, 1)[0];
	}

	/** Position (1-based) of a queued job among those waiting, for "queued: 2 ahead". */
	position(jobId: string): number {
		return this.waiting.findIndex((j) => j.id === jobId) + 1;
	}

	/**
	 * Jobs to launch now, given how many of ours are running and the status of dependencies.
	 * Jobs whose dependency failed are returned separately: they will never run.
	 */
	take(
		running: number,
		dependency: (jobId: string) => DependencyStatus,
	): { launch: JobSpec[]; blocked: JobSpec[] } {
		const launch: JobSpec[] = [];
		const blocked: JobSpec[] = [];
		let free = this.maxJobs - running;
		for (const job of [...this.waiting]) {
			const deps = (job.dependsOn ?? []).map(dependency);
			if (deps.includes("failed")) {
				blocked.push(job);
				this.remove(job.id);
				continue;
			}
			if (deps.includes("waiting") || free <= 0) continue;
			launch.push(job);
			this.remove(job.id);
			free--;
		}
		return { launch, blocked };
	}
}
