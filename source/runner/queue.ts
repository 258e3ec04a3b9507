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
	private readonly held = new Set<string>();
	/** No launches from the queue while paused (pueue's pause): queued jobs wait. */
	paused = false;

	constructor(private readonly maxJobs: number) {}

	has(jobId: string): boolean {
		return this.waiting.some((j) => j.id === jobId);
	}

	push(job: JobSpec, options: { held?: boolean } = {}): number {
		this.waiting.push(job);
		if (options.held) this.held.add(job.id);
		return this.waiting.length;
	}

	remove(jobId: string): JobSpec | undefined {
		const i = this.waiting.findIndex((j) => j.id === jobId);
		this.held.delete(jobId);
		return i < 0 ? undefined : this.waiting.splice(i, 1)[0];
	}

	/** Position (1-based) of a queued job among those waiting, for "queued: 2 ahead". */
	position(jobId: string): number {
		return this.waiting.findIndex((j) => j.id === jobId) + 1;
	}

	/** The waiting jobs' ids, first to launch first. */
	order(): string[] {
		return this.waiting.map((j) => j.id);
	}

	isHeld(jobId: string): boolean {
		return this.held.has(jobId);
	}

	/** Holds a queued job back (true) or lets it go again (false); false if it is not queued. */
	hold(jobId: string, held: boolean): boolean {
		if (!this.has(jobId)) return false;
		if (held) this.held.add(jobId);
		else this.held.delete(jobId);
		return true;
	}

	/** Moves a queued job `by` places towards the front (negative: towards the back). */
	move(jobId: string, by: number): boolean {
		const i = this.waiting.findIndex((j) => j.id === jobId);
		if (i < 0) return false;
		const to = Math.max(0, Math.min(this.waiting.length - 1, i - by));
		const [job] = this.waiting.splice(i, 1);
		this.waiting.splice(to, 0, job as JobSpec);
		return true;
	}

	/**
	 * Jobs to launch now, in queue order, given how many of this project's jobs run and the
	 * status of dependencies: at most `maxJobs` at once (a job's own limit wins), and only while
	 * `fits` says the machine has the cores for it. A job that does not fit stops the queue
	 * there: a smaller one behind it does not jump ahead, so a big job is not starved. Jobs whose
	 * dependency failed are returned separately: they will never run.
	 */
	take(
		running: number,
		dependency: (jobId: string) => DependencyStatus,
		fits: (job: JobSpec) => boolean = () => true,
	): { launch: JobSpec[]; blocked: JobSpec[] } {
		const launch: JobSpec[] = [];
		const blocked: JobSpec[] = [];
		let started = running;
		for (const job of [...this.waiting]) {
			const deps = (job.dependsOn ?? []).map(dependency);
			if (deps.includes("failed")) {
				blocked.push(job);
				this.remove(job.id);
				continue;
			}
			if (this.paused || this.held.has(job.id) || deps.includes("waiting")) continue;
			if (started >= (job.maxJobs ?? this.maxJobs)) continue;
			if (!fits(job)) break;
			launch.push(job);
			this.remove(job.id);
			started++;
		}
		return { launch, blocked };
	}
}
