/**
 * Where each job of a `[pools.NAME]` goes, decided by the supervisor when the job's turn comes:
 * to the member with the most free cores at that moment. A member's free cores are its cores
 * (`cores` of the pool entry, else `nproc` read once over the connection), minus the cores of
 * crystal-tui's jobs running there (every project of this supervisor counted), minus the load
 * of other users (`/proc/loadavg` less our own jobs; not read when `cores` is declared: that
 * share is crystal-tui's). A member takes a job while the job fits its free cores and its
 * `max_jobs`; a job alone on an idle member always fits. The rest wait in the project's queue.
 *
 * Members that do not answer take nothing until they answer again; the jobs running there stay
 * followed (the runner waits for the host). When jobs wait and a member with a start_command
 * is down, it is started, one at a time; a member with a stop_command idle for idle_minutes is
 * stopped. The backends stay single-host: a placed job is an SSH job on its member.
 */
import type { Config } from "../config/load.js";
import type { PoolConfig } from "../config/pool.js";
import type { Backend } from "../runner/backend.js";
import type { Placement } from "../runner/job-runner.js";
import { coresOf } from "../runner/queue.js";
import type { RunRecord } from "../runner/run-store.js";
import type { JobSpec } from "../runner/runner.js";
import type { SshBackend } from "../runner/ssh.js";
import type { SharedBackends } from "./backends.js";
import { PoolHost } from "./pool-host.js";

/** A project as placement sees it: its configuration now and its jobs. */
export interface PlacedProject {
	dir: string;
	config(): Config;
	records(): RunRecord[];
}

interface Usage {
	cores: number;
	jobs: number;
}

/** The records whose jobs hold cores on their host: running, or placed and about to start. */
const holdsCores = (r: RunRecord): boolean =>
	r.spec.runner === "ssh" &&
	r.spec.host !== undefined &&
	(r.state === "starting" ||
		r.state === "running" ||
		r.state === "stopping" ||
		(r.state === "queued" && r.spec.pool !== undefined));

export class Placer {
	private readonly hosts = new Map<Backend, PoolHost>();
	private readonly wakers = new Set<() => void>();
	private timer: NodeJS.Timeout | null = null;
	/** A job waited since the last round of checks: wake the queues after it. */
	private waited = false;

	constructor(
		private readonly backends: SharedBackends,
		private readonly projects: () => PlacedProject[],
		private readonly log: (text: string) => void,
	) {}

	/** The placement hook of one project's runner. */
	for(project: PlacedProject): Placement {
		return {
			place: (job) => {
				try {
					return this.place(job, project);
				} catch (error) {
					// A configuration changed under a waiting job: it waits, saying why.
					return { wait: (error as Error).message };
				}
			},
			unreachable: (job) => this.unreachable(job, project),
			onChange: (wake) => {
				this.wakers.add(wake);
				return () => this.wakers.delete(wake);
			},
		};
	}

	/** Whether a member is up that a stop_command is to take down once idle (the supervisor stays for it). */
	awaitsStop(): boolean {
		return [...this.hosts.values()].some((h) => h.member.stopCommand && h.up);
	}

	close(): void {
		if (this.timer) clearInterval(this.timer);
		this.timer = null;
	}

	place(job: JobSpec, project: PlacedProject): { spec: JobSpec } | { wait: string } {
		const pool = job.pool ? project.config().pools?.[job.pool] : undefined;
		if (!pool) return { wait: `no [pools.${job.pool}] in the configuration: stop the job, or add the pool` };
		const need = coresOf(job.parallelism);
		const usage = this.usage();
		const hostsOf = project.config().hosts;
		const hosts = pool.members.map((member) => this.host(member.host, pool, project, job));
		// Until every member has answered once, the most free one is not known.
		const unasked = hosts.filter((h) => h.up === null).map((h) => h.name);
		if (unasked.length) return { wait: `asking ${unasked.join(", ")} for their cores and load` };
		let best: { host: PoolHost; free: number; jobs: number; reason: string } | null = null;
		const notes: string[] = [];
		for (const [i, member] of pool.members.entries()) {
			const host = hosts[i] as PoolHost;
			if (host.up !== true) {
				notes.push(
					host.starting
						? `${member.host} starting`
						: `${member.host} down${host.commandFailure ? ` (${host.commandFailure})` : ""}`,
				);
				continue;
			}
			const ours = usage.get(host.backend) ?? { cores: 0, jobs: 0 };
			const cores = member.cores ?? host.nproc ?? 1;
			const others = member.cores ? 0 : Math.max(0, host.load - ours.cores);
			const free = cores - ours.cores - others;
			const maxJobs = member.maxJobs ?? hostsOf[member.host]?.maxJobs;
			if (maxJobs !== undefined && ours.jobs >= maxJobs) {
				notes.push(`${member.host} at its max_jobs ${maxJobs}`);
				continue;
			}
			// Load is an average: half a core of it is noise, not a user.
			const alone = ours.jobs === 0 && others < 0.5 && need > cores;
			if (free + 0.5 < need && !alone) {
				notes.push(`${member.host} ${shown(free)} of ${cores} cores free`);
				continue;
			}
			const loadNote = others >= 0.5 ? `, load ${host.load.toFixed(1)} of other users` : "";
			const reason = `${member.host}: ${shown(free)} of ${cores} cores free${loadNote}`;
			if (!best || free > best.free || (free === best.free && ours.jobs < best.jobs)) {
				best = { host, free, jobs: ours.jobs, reason };
			}
		}
		if (best) return { spec: { ...job, host: best.host.name, placement: best.reason } };
		this.waited = true;
		this.startOne(pool, project, job);
		return {
			wait: `waiting for a host of ${pool.name} with ${need} free core${need > 1 ? "s" : ""}: ${notes.join("; ")}`,
		};
	}

	/** The checks before a launch failed on the job's member: is it down now? */
	private async unreachable(job: JobSpec, project: PlacedProject): Promise<boolean> {
		const pool = job.pool ? project.config().pools?.[job.pool] : undefined;
		if (!pool || !job.host) return false;
		const host = this.host(job.host, pool, project, job);
		await host.check();
		return host.up === false;
	}

	/** Brings up one down member with a start_command, when none is starting already. */
	private startOne(pool: PoolConfig, project: PlacedProject, job: JobSpec): void {
		const hosts = pool.members.map((m) => this.host(m.host, pool, project, job));
		if (hosts.some((h) => h.starting)) return;
		hosts.find((h) => h.up === false && h.member.startCommand)?.start();
	}

	/** The member's state, made (and first asked) on first use. */
	private host(name: string, pool: PoolConfig, project: PlacedProject, job: JobSpec): PoolHost {
		const backend = this.backends.for(
			{ ...job, runner: "ssh", host: name },
			project.config(),
			project.dir,
		) as SshBackend;
		const member = pool.members.find((m) => m.host === name) ?? { host: name, idleMinutes: 30 };
		let host = this.hosts.get(backend);
		if (!host) {
			host = new PoolHost(name, backend, member, pool.checkSeconds * 1000, this.log);
			this.hosts.set(backend, host);
			this.ensureTimer();
		}
		host.member = member;
		host.checkMs = pool.checkSeconds * 1000;
		return host;
	}

	/** Cores and jobs of crystal-tui on each host backend, over every project. */
	private usage(): Map<Backend, Usage> {
		const usage = new Map<Backend, Usage>();
		for (const project of this.projects()) {
			let records: RunRecord[];
			try {
				records = project.records();
			} catch {
				continue; // closed meanwhile
			}
			for (const r of records.filter(holdsCores)) {
				let backend: Backend;
				try {
					backend = this.backends.for(r.spec, project.config(), project.dir);
				} catch {
					continue;
				}
				const u = usage.get(backend) ?? { cores: 0, jobs: 0 };
				usage.set(backend, { cores: u.cores + coresOf(r.spec.parallelism), jobs: u.jobs + 1 });
			}
		}
		return usage;
	}

	private ensureTimer(): void {
		if (this.timer) return;
		this.timer = setInterval(() => void this.round(), 1000);
		this.timer.unref();
	}

	/** Asks the members that are due; stops idle ones; wakes the queues when it may matter. */
	private async round(): Promise<void> {
		const due = [...this.hosts.values()].filter((h) => h.due);
		const changed = await Promise.all(due.map((h) => h.check()));
		const usage = this.usage();
		for (const host of this.hosts.values()) {
			if (!host.member.stopCommand || host.up !== true) continue;
			if ((usage.get(host.backend)?.jobs ?? 0) > 0) host.idleSince = null;
			else if (host.idleSince === null) host.idleSince = Date.now();
			else if (Date.now() - host.idleSince >= host.member.idleMinutes * 60_000) host.stop();
		}
		if (changed.some(Boolean) || (this.waited && due.length > 0)) {
			this.waited = false;
			for (const wake of [...this.wakers]) wake();
		}
	}
}

/** Free cores as a user reads them: whole cores, never below zero. */
const shown = (free: number): string => String(Math.max(0, Math.floor(free + 0.25)));
