/**
 * From command-line flags and the configuration files to the project settings every mode uses.
 * Flags win over configuration; configuration wins over built-in defaults.
 */
import type { Config } from "../config/load.js";
import type { ProjectSettings } from "../jobs/project.js";
import { LaunchError, type RunnerKind } from "../runner/runner.js";

export interface CommonFlags {
	runner?: string;
	host?: string;
	ranks?: number;
	threads?: number;
	maxJobs?: number;
	crystalDir?: string;
	keepScratch?: boolean;
}

const runnerKinds: RunnerKind[] = ["local", "ssh", "slurm"];

const emptyConfig: Config = { defaults: {}, hosts: {}, clusters: {}, files: [] };

export function settingsFrom(
	flags: CommonFlags,
	config: Config = emptyConfig,
	projectDir = process.cwd(),
): ProjectSettings {
	const d = config.defaults;
	const host = flags.host ?? d.host;
	if (flags.host && !flags.runner) refuseUnknown(flags.host, config);
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
		},
		...(maxJobs !== undefined ? { maxJobs: positive(maxJobs, "--max-jobs", 1) } : {}),
		crystalDir: flags.crystalDir ?? d.crystalDir ?? null,
		...(d.container ? { container: d.container } : {}),
		keepScratch: flags.keepScratch ?? false,
		clusters: Object.keys(config.clusters),
	};
}

/** `--host NAME` that names nothing of the configuration: what it could have been. */
function refuseUnknown(name: string, config: Config): void {
	if (name === "local" || config.hosts[name] || config.clusters[name] || config.pools?.[name]) return;
	const list = (names: string[]) => names.join(", ") || "none";
	const files = config.files.length ? config.files.join(" and ") : "crystal-tui.toml (none found)";
	throw new LaunchError(
		`--host ${name}: no [hosts.${name}], [clusters.${name}] or [pools.${name}] in ${files} (hosts: ${list(Object.keys(config.hosts))}; clusters: ${list(Object.keys(config.clusters))}; pools: ${list(Object.keys(config.pools ?? {}))})`,
	);
}
