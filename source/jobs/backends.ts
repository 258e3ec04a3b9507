/**
 * The remote backends of a project, made from its configuration on first use and kept, one per
 * host and one per cluster, so every job on a host shares one SSH connection.
 */
import type { Config } from "../config/load.js";
import type { Backend } from "../runner/backend.js";
import { type JobSpec, LaunchError } from "../runner/runner.js";
import { SlurmBackend } from "../runner/slurm.js";
import { SshBackend } from "../runner/ssh.js";

export class RemoteBackends {
	private readonly made = new Map<string, Backend>();

	constructor(
		private readonly config: Config,
		private readonly projectDir: string,
	) {}

	for(job: JobSpec): Backend {
		const name = job.host;
		if (!name) throw new LaunchError(`--runner ${job.runner} needs --host NAME`);
		const key = `${job.runner}:${name}`;
		const existing = this.made.get(key);
		if (existing) return existing;
		const backend = job.runner === "ssh" ? this.ssh(name) : this.slurm(name);
		this.made.set(key, backend);
		return backend;
	}

	/** The backend of a `[clusters.NAME]`: the same one its jobs run through. */
	slurmBackend(name: string): SlurmBackend {
		return this.for({
			id: `slurm/${name}`,
			name,
			dir: this.projectDir,
			runner: "slurm",
			host: name,
			parallelism: { ranks: 1, threads: 1 },
		}) as SlurmBackend;
	}

	private known(kind: "hosts" | "clusters"): string {
		const names = Object.keys(this.config[kind]);
		return names.length ? names.join(", ") : "none";
	}

	private where(): string {
		return this.config.files.length ? this.config.files.join(" and ") : "crystal-tui.toml (none found)";
	}

	private ssh(name: string): Backend {
		const host = this.config.hosts[name];
		if (!host) {
			throw new LaunchError(
				`--host ${name}: no [hosts.${name}] in ${this.where()} (known hosts: ${this.known("hosts")})`,
			);
		}
		return new SshBackend({ host, projectDir: this.projectDir });
	}

	private slurm(name: string): Backend {
		const cluster = this.config.clusters[name];
		if (!cluster) {
			throw new LaunchError(
				`--host ${name}: no [clusters.${name}] in ${this.where()} (known clusters: ${this.known("clusters")})`,
			);
		}
		const host = cluster.host ? this.config.hosts[cluster.host] : undefined;
		return new SlurmBackend({ cluster, ...(host ? { host } : {}), projectDir: this.projectDir });
	}

	async close(): Promise<void> {
		await Promise.all([...this.made.values()].map((b) => b.close()));
	}
}
