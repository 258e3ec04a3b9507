/**
 * Reads the configuration: the user file (`~/.config/crystal-tui/config.toml`, or under
 * $XDG_CONFIG_HOME) then the project file (`crystal-tui.toml` in the project folder), which wins
 * key by key in `[defaults]` and entry by entry in `[hosts]` and `[clusters]`. Any mistake is a
 * ConfigError naming the file and the key path: `crystal-tui.toml: hosts.hpc.port: expected a
 * number`.
 */
import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { parse, TomlError } from "smol-toml";
import type { z } from "zod";
import { type ContainerConfig, toContainer } from "./container.js";
import { ConfigError } from "./errors.js";
import { type PoolConfig, toPool } from "./pool.js";
import { type RecoveryConfig, toRecovery } from "./recovery.js";
import { type ClusterFile, type ConfigFile, fileSchema, type HostFile } from "./schema.js";

export { ConfigError };

export interface HostConfig {
	name: string;
	/** File the entry came from, for messages. */
	file: string;
	address: string;
	user?: string;
	port?: number;
	identityFile?: string;
	sshConfig?: string;
	/** Extra `ssh -o Key=Value` options. */
	sshOptions: Record<string, string>;
	remoteRoot: string;
	crystalDir?: string;
	scratchDir?: string;
	modules: string[];
	env: Record<string, string>;
	acceptNewHostKey: boolean;
	maxJobs?: number;
	container?: ContainerConfig;
	recovery?: RecoveryConfig;
}

export interface ClusterConfig {
	name: string;
	file: string;
	/** Host to submit through; undefined: sbatch runs on this machine. */
	host?: string;
	partition?: string;
	account?: string;
	qos?: string;
	constraint?: string;
	time?: string;
	memory?: string;
	nodes?: number;
	ntasks?: number;
	cpusPerTask?: number;
	modules: string[];
	env: Record<string, string>;
	crystalDir?: string;
	scratchDir?: string;
	pollIntervalSeconds: number;
	mpiLauncher: "srun" | "mpirun";
	container?: ContainerConfig;
	recovery?: RecoveryConfig;
}

export interface Defaults {
	runner?: "local" | "ssh" | "slurm";
	host?: string;
	ranks?: number;
	threads?: number;
	maxJobs?: number;
	crystalDir?: string;
	/** For jobs run on this machine. */
	container?: ContainerConfig;
	oversubscribe?: boolean;
	recovery?: RecoveryConfig;
}

export interface Config {
	defaults: Defaults;
	hosts: Record<string, HostConfig>;
	clusters: Record<string, ClusterConfig>;
	/** `[pools.NAME]`: hosts used as one target. */
	pools?: Record<string, PoolConfig>;
	/** The files that were read, in order (user, project). */
	files: string[];
}

export const projectConfigName = "crystal-tui.toml";

export function userConfigPath(env: NodeJS.ProcessEnv = process.env): string {
	const base = env.XDG_CONFIG_HOME || join(homedir(), ".config");
	return join(base, "crystal-tui", "config.toml");
}

export interface LoadOptions {
	/** The user file; null: read none (tests). Default: userConfigPath(). */
	userFile?: string | null;
}

export function loadConfig(projectDir: string, options: LoadOptions = {}): Config {
	const config: Config = { defaults: {}, hosts: {}, clusters: {}, pools: {}, files: [] };
	const userFile = options.userFile === undefined ? userConfigPath() : options.userFile;
	const sources: Array<{ path: string; label: string }> = [];
	if (userFile) sources.push({ path: userFile, label: tildePath(userFile) });
	sources.push({ path: join(projectDir, projectConfigName), label: projectConfigName });
	for (const { path, label } of sources) {
		const file = readConfigFile(path, label);
		if (!file) continue;
		config.files.push(path);
		const recovery = { ...config.defaults.recovery, ...toRecovery(file.defaults ?? {}) };
		Object.assign(config.defaults, definedOnly(toDefaults(file)));
		// Key by key: a project's recover = "auto" keeps the user's max_attempts.
		if (Object.keys(recovery).length > 0) config.defaults.recovery = recovery;
		for (const [name, host] of Object.entries(file.hosts ?? {}))
			config.hosts[name] = toHost(name, label, host);
		for (const [name, cluster] of Object.entries(file.clusters ?? {})) {
			config.clusters[name] = toCluster(name, label, cluster);
		}
		for (const [name, pool] of Object.entries(file.pools ?? {})) {
			try {
				const pools = config.pools ?? {};
				pools[name] = toPool(name, label, pool);
				config.pools = pools;
			} catch (error) {
				throw new ConfigError((error as Error).message);
			}
		}
	}
	checkPools(config);
	for (const cluster of Object.values(config.clusters)) {
		if (cluster.host !== undefined && cluster.host !== "local" && !config.hosts[cluster.host]) {
			throw new ConfigError(
				`${cluster.file}: clusters.${cluster.name}.host: no [hosts.${cluster.host}] is defined (known: ${Object.keys(config.hosts).join(", ") || "none"})`,
			);
		}
		if (cluster.host === "local") delete cluster.host;
	}
	return config;
}

/** Every member of a pool is a `[hosts.X]`; a pool's name is not also a host's or a cluster's
 * (`--host NAME` would not say which is meant). */
function checkPools(config: Config): void {
	const known = Object.keys(config.hosts).join(", ") || "none";
	for (const pool of Object.values(config.pools ?? {})) {
		for (const member of pool.members) {
			if (!config.hosts[member.host]) {
				throw new ConfigError(
					`${pool.file}: pools.${pool.name}.hosts: no [hosts.${member.host}] is defined (known: ${known})`,
				);
			}
		}
		if (config.hosts[pool.name] || config.clusters[pool.name]) {
			throw new ConfigError(
				`${pool.file}: pools.${pool.name}: a [hosts.${pool.name}] or [clusters.${pool.name}] has the same name; --host ${pool.name} would not say which`,
			);
		}
	}
}

/** Parses and validates one file; null when it does not exist. */
export function readConfigFile(path: string, label = path): ConfigFile | null {
	let text: string;
	try {
		text = readFileSync(path, "utf8");
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
		throw new ConfigError(`${label}: cannot read: ${(error as Error).message}`);
	}
	return parseConfigText(text, label);
}

export function parseConfigText(text: string, label: string): ConfigFile {
	let raw: unknown;
	try {
		raw = parse(text);
	} catch (error) {
		if (error instanceof TomlError) {
			const first = error.message.split("\n")[0] ?? error.message;
			throw new ConfigError(`${label}:${error.line}:${error.column}: ${first}`);
		}
		throw new ConfigError(`${label}: ${(error as Error).message}`);
	}
	const checked = fileSchema.safeParse(raw, { reportInput: true });
	if (!checked.success) throw new ConfigError(describeIssues(label, checked.error.issues));
	return checked.data;
}

function describeIssues(label: string, issues: z.core.$ZodIssue[]): string {
	const lines = issues.map((issue) => {
		const path = issue.path.map(String);
		if (issue.code === "unrecognized_keys") {
			return issue.keys.map((k) => `${label}: ${[...path, k].join(".")}: unknown key`).join("\n");
		}
		return `${label}: ${path.join(".") || "(top level)"}: ${issueMessage(issue)}`;
	});
	return lines.join("\n");
}

function issueMessage(issue: z.core.$ZodIssue): string {
	switch (issue.code) {
		case "invalid_type":
			return issue.input === undefined
				? `missing (expected ${article(issue.expected)})`
				: `expected ${article(issue.expected)}`;
		case "too_small":
			return issue.origin === "number" ? `must be at least ${issue.minimum}` : issue.message;
		case "too_big":
			return issue.origin === "number" ? `must be at most ${issue.maximum}` : issue.message;
		case "invalid_key":
			return issue.issues[0]?.message ?? issue.message;
		case "invalid_value":
			return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
		default:
			return issue.message;
	}
}

const article = (type: string): string => {
	const words: Record<string, string> = {
		number: "a number",
		string: "a string",
		boolean: "true or false",
		object: "a table",
		array: "a list",
		record: "a table",
	};
	return words[type] ?? type;
};

const tildePath = (path: string): string => {
	const home = homedir();
	return path.startsWith(`${home}/`) ? `~${path.slice(home.length)}` : path;
};

function definedOnly<T extends object>(value: T): Partial<T> {
	return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function toDefaults(file: ConfigFile): Defaults {
	const d = file.defaults ?? {};
	return {
		runner: d.runner,
		host: d.host,
		ranks: d.ranks,
		threads: d.threads,
		maxJobs: d.max_jobs,
		crystalDir: d.crystal_dir,
		container: d.container && toContainer(d.container),
		oversubscribe: d.oversubscribe,
	};
}

function toHost(name: string, file: string, h: HostFile): HostConfig {
	return {
		name,
		file,
		address: h.address,
		user: h.user,
		port: h.port,
		identityFile: h.identity_file,
		sshConfig: h.ssh_config,
		sshOptions: Object.fromEntries(
			Object.entries(h.ssh_options ?? {}).map(([k, v]) => [
				k,
				typeof v === "boolean" ? (v ? "yes" : "no") : String(v),
			]),
		),
		remoteRoot: h.remote_root,
		crystalDir: h.crystal_dir,
		scratchDir: h.scratch_dir,
		modules: h.modules ?? [],
		env: h.env ?? {},
		acceptNewHostKey: h.accept_new_host_key,
		maxJobs: h.max_jobs,
		...(h.container ? { container: toContainer(h.container) } : {}),
		recovery: toRecovery(h),
	};
}

function toCluster(name: string, file: string, c: ClusterFile): ClusterConfig {
	return {
		name,
		file,
		host: c.host,
		partition: c.partition,
		account: c.account,
		qos: c.qos,
		constraint: c.constraint,
		time: c.time,
		memory: c.memory,
		nodes: c.nodes,
		ntasks: c.ntasks,
		cpusPerTask: c.cpus_per_task,
		modules: c.modules ?? [],
		env: c.env ?? {},
		crystalDir: c.crystal_dir,
		scratchDir: c.scratch_dir,
		pollIntervalSeconds: c.poll_interval_seconds,
		mpiLauncher: c.mpi_launcher,
		...(c.container ? { container: toContainer(c.container) } : {}),
		recovery: toRecovery(c),
	};
}
