/**
 * From command-line flags and the configuration files to the project settings every mode uses.
 * Flags win over configuration; configuration wins over built-in defaults.
 */
import type { Config } from "../config/load.js";
import { type RecoverMode, recoverModes } from "../config/recovery.js";
import { LaunchError, type RecoveryPolicy, type RunnerKind } from "../runner/runner.js";
import type { ProjectSettings } from "./project.js";

export interface CommonFlags {
	runner?: string;
	host?: string;
	ranks?: number;
	threads?: number;
	maxJobs?: number;
	crystalDir?: string;
	keepScratch?: boolean;
	oversubscribe?: boolean;
	/** off, ask or auto: what the supervisor does when a run fails. */
	recover?: string;
}

const runnerKinds: RunnerKind[] = ["local", "ssh", "slurm"];

const emptyConfig: Config = { defaults: {}, hosts: {}, clusters: {}, files: [] };

export function settingsFrom(flags: CommonFlags, config: Config = emptyConfig): ProjectSettings {
	const d = config.defaults;
	const host = flags.host ?? d.host;
	const pool = host && config.pools?.[host] ? host : undefined;
	// A host named on the command line without --runner picks the runner its entry implies.
	const implied =
		host && !flags.runner
			? pool
				? "ssh"
				: config.clusters[host]
					? "slurm"
					: config.hosts[host]
						? "ssh"
						: undefined
			: undefined;
	const runner = (flags.runner ?? implied ?? d.runner ?? "local") as RunnerKind;
	if (!runnerKinds.includes(runner)) {
		throw new LaunchError(`--runner ${flags.runner}: expected one of ${runnerKinds.join(", ")}`);
	}
	// A host that names no entry is a typo: running on this machine instead would hide it.
	const pooled = runner !== "slurm" && pool !== undefined;
	const known =
		pooled ||
		(runner === "slurm"
			? config.clusters[host ?? ""]
			: runner === "ssh"
				? config.hosts[host ?? ""]
				: (config.clusters[host ?? ""] ?? config.hosts[host ?? ""]));
	if (host && !known) throw new LaunchError(unknownHost(host, runner, config, flags.host === undefined));
	if (runner !== "local" && !host) {
		throw new LaunchError(
			`--runner ${runner} needs --host NAME (a [hosts.NAME] or [clusters.NAME] of crystal-tui.toml)`,
		);
	}
	const positive = (value: number | undefined, flag: string, fallback: number): number => {
		if (value === undefined) return fallback;
		if (!Number.isInteger(value) || value < 1)
			throw new LaunchError(`${flag} ${value}: expected a whole number of at least 1`);
		return value;
	};
	const maxJobs = flags.maxJobs ?? d.maxJobs;
	return {
		runner,
		...(runner !== "local" && host ? { host } : {}),
		...(runner === "ssh" && pool ? { pool } : {}),
		parallelism: {
			ranks: positive(flags.ranks ?? d.ranks, "--ranks", 1),
			threads: positive(flags.threads ?? d.threads, "--threads", 1),
			...((flags.oversubscribe ?? d.oversubscribe) ? { oversubscribe: true } : {}),
		},
		...(maxJobs !== undefined ? { maxJobs: positive(maxJobs, "--max-jobs", 1) } : {}),
		crystalDir: flags.crystalDir ?? d.crystalDir ?? null,
		...(d.container ? { container: d.container } : {}),
		keepScratch: flags.keepScratch ?? false,
		clusters: Object.keys(config.clusters),
		recovery: recoveryPolicy(flags.recover, config, runner === "local" ? undefined : host),
	};
}

/** The flag, else the host's or cluster's entry, else [defaults], key by key; off by default. */
function recoveryPolicy(flag: string | undefined, config: Config, host: string | undefined): RecoveryPolicy {
	if (flag !== undefined && !recoverModes.includes(flag as RecoverMode))
		throw new LaunchError(`--recover ${flag}: expected one of ${recoverModes.join(", ")}`);
	const entry = host ? (config.clusters[host]?.recovery ?? config.hosts[host]?.recovery) : undefined;
	const d = config.defaults.recovery;
	return {
		mode: (flag as RecoverMode | undefined) ?? entry?.recover ?? d?.recover ?? "off",
		maxAttempts: entry?.maxAttempts ?? d?.maxAttempts ?? 3,
		frozenMinutes: entry?.frozenMinutes ?? d?.frozenMinutes ?? 30,
	};
}

function unknownHost(host: string, runner: RunnerKind, config: Config, fromConfig: boolean): string {
	const names = (kind: "hosts" | "clusters" | "pools") =>
		Object.keys(config[kind] ?? {}).join(", ") || "none";
	const entry =
		runner === "slurm"
			? `[clusters.${host}]`
			: runner === "ssh"
				? `[hosts.${host}]`
				: `[hosts.${host}] or [clusters.${host}]`;
	const files = config.files.length ? config.files.join(" and ") : "crystal-tui.toml (none found)";
	return `${fromConfig ? "defaults.host = " : "--host "}${host}: no ${entry} in ${files} (known hosts: ${names("hosts")}; known clusters: ${names("clusters")}${Object.keys(config.pools ?? {}).length ? `; known pools: ${names("pools")}` : ""})`;
}
