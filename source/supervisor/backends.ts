/**
 * The supervisor's backends, shared by every project: one local backend, and one backend per
 * SSH host and per SLURM cluster entry, so that every job on a host goes through one SSH
 * ControlMaster and every job on a cluster is followed by one squeue per poll interval, whatever
 * project it belongs to. Two projects that configure a host of the same name differently get
 * a backend each (an entry is known by what it says, not only by its name).
 */
import type { Config } from "../config/load.js";
import { RemoteBackends } from "../jobs/backends.js";
import type { Backend } from "../runner/backend.js";
import { LocalBackend } from "../runner/local.js";
import type { JobSpec } from "../runner/runner.js";
import type { SlurmBackend } from "../runner/slurm.js";

export class SharedBackends {
	readonly local = new LocalBackend();
	private readonly remote = new Map<string, Backend>();

	/** The backend of a job of a project whose configuration is `config`. */
	for(job: JobSpec, config: Config, projectDir: string): Backend {
		if (job.runner === "local") return this.local;
		const key = this.key(job.runner, job.host ?? "", config);
		const known = this.remote.get(key);
		if (known) return known;
		// Validates the entry and names what is missing; made once per distinct entry.
		const made = new RemoteBackends(config, projectDir).for(job);
		this.remote.set(key, made);
		return made;
	}

	slurm(cluster: string, config: Config, projectDir: string): SlurmBackend {
		return this.for(
			{
				id: `slurm/${cluster}`,
				name: cluster,
				dir: projectDir,
				projectDir,
				runner: "slurm",
				host: cluster,
				parallelism: { ranks: 1, threads: 1 },
			},
			config,
			projectDir,
		) as SlurmBackend;
	}

	private key(kind: string, name: string, config: Config): string {
		const strip = (entry: object | undefined) => {
			if (!entry) return null;
			const { file: _file, ...rest } = entry as { file?: string };
			return rest;
		};
		if (kind === "ssh") return `ssh:${name}:${JSON.stringify(strip(config.hosts[name]))}`;
		const cluster = config.clusters[name];
		const host = cluster?.host ? config.hosts[cluster.host] : undefined;
		return `slurm:${name}:${JSON.stringify([strip(cluster), strip(host)])}`;
	}

	async close(): Promise<void> {
		await Promise.allSettled([...this.remote.values()].map((b) => b.close()));
		this.remote.clear();
	}
}
