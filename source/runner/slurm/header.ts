/**
 * The #SBATCH lines of a job: resources from the cluster's configuration, overridden per job by
 * JobSpec.options (partition, account, qos, constraint, time, memory, nodes), tasks and CPUs from
 * the job's parallelism. Every value is checked against what SLURM accepts, so nothing but a
 * plain token ever reaches the script; paths and the job name go on the sbatch command line,
 * quoted, not here.
 */
import type { ClusterConfig } from "../../config/load.js";
import { type JobSpec, LaunchError } from "../runner.js";

/** The cluster's resource settings, with tasks and CPUs always decided for the job. */
export type SlurmResources = Pick<
	ClusterConfig,
	"partition" | "account" | "qos" | "constraint" | "time" | "memory" | "nodes"
> & { ntasks: number; cpusPerTask: number };

const checks: Record<string, { re: RegExp; expected: string }> = {
	partition: { re: /^[A-Za-z0-9_.+:-]+$/, expected: "a SLURM name" },
	account: { re: /^[A-Za-z0-9_.+:-]+$/, expected: "a SLURM name" },
	qos: { re: /^[A-Za-z0-9_.+:-]+$/, expected: "a SLURM name" },
	constraint: { re: /^[A-Za-z0-9_.+:&|*[\]-]+$/, expected: "a SLURM constraint" },
	time: { re: /^(\d+-)?\d+(:\d{1,2}){0,2}$/, expected: 'a SLURM time such as "2:00:00"' },
	memory: { re: /^\d+[KMGT]?$/i, expected: 'a memory size such as "32G"' },
};

function checked(key: string, value: unknown, source: string): string | undefined {
	if (value === undefined || value === null || value === "") return undefined;
	const text = String(value);
	const rule = checks[key];
	if (rule && !rule.re.test(text)) {
		throw new LaunchError(`${source}: ${key}: expected ${rule.expected}, got ${JSON.stringify(text)}`);
	}
	return text;
}

function count(key: string, value: unknown, source: string): number | undefined {
	if (value === undefined || value === null || value === "") return undefined;
	const n = Number(value);
	if (!Number.isInteger(n) || n < 1)
		throw new LaunchError(`${source}: ${key}: expected a whole number >= 1, got ${JSON.stringify(value)}`);
	return n;
}

/** The job's resources: its own options first, then the cluster's defaults. */
export function resourcesFor(job: JobSpec, cluster: ClusterConfig): SlurmResources {
	const o = job.options ?? {};
	const fromJob = `options of ${job.id}`;
	const fromCluster = `[clusters.${cluster.name}] of ${cluster.file}`;
	const pick = (key: keyof typeof checks, clusterValue: string | undefined) =>
		o[key] !== undefined ? checked(key, o[key], fromJob) : checked(key, clusterValue, fromCluster);
	return {
		partition: pick("partition", cluster.partition),
		account: pick("account", cluster.account),
		qos: pick("qos", cluster.qos),
		constraint: pick("constraint", cluster.constraint),
		time: pick("time", cluster.time),
		memory: pick("memory", cluster.memory),
		nodes: o.nodes !== undefined ? count("nodes", o.nodes, fromJob) : cluster.nodes,
		ntasks: Math.max(1, job.parallelism.ranks),
		cpusPerTask: Math.max(1, job.parallelism.threads),
	};
}

export function sbatchHeader(r: SlurmResources): string[] {
	const lines: string[] = [];
	const add = (flag: string, value: string | number | undefined) => {
		if (value !== undefined) lines.push(`#SBATCH --${flag}=${value}`);
	};
	add("partition", r.partition);
	add("account", r.account);
	add("qos", r.qos);
	add("constraint", r.constraint);
	add("time", r.time);
	add("mem", r.memory);
	add("nodes", r.nodes);
	add("ntasks", r.ntasks);
	add("cpus-per-task", r.cpusPerTask);
	return lines;
}

/** A job name SLURM shows in squeue: the deck name reduced to safe characters. */
export function slurmJobName(name: string): string {
	const safe = name.replace(/[^A-Za-z0-9_.+-]/g, "_").slice(0, 60);
	return safe || "crystal";
}
