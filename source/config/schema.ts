/**
 * The shape of `crystal-tui.toml` (project) and `~/.config/crystal-tui/config.toml` (user):
 * `[defaults]`, `[hosts.NAME]` (machines reached over SSH) and `[clusters.NAME]` (SLURM,
 * submitted on this machine or through a host). Keys are snake_case as written in the files.
 *
 * Values that end up in a remote shell or an sbatch script are quoted there, but the ones that
 * SLURM or ssh parse themselves (partition, account, time, ssh option names) are held to the
 * characters those tools accept, so a typo is caught here with the key named.
 */
import { z } from "zod";
import { containerSchema } from "./container.js";
import { poolSchema } from "./pool.js";
import { recoveryFields } from "./recovery.js";

/** SLURM names (partition, account, QOS, constraint): what sbatch takes without quoting. */
const slurmName = z
	.string()
	.regex(/^[A-Za-z0-9_.+:-]+$/, "expected a SLURM name (letters, digits, _ . + : -)");
/** sbatch --time: minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM, D-HH:MM:SS. */
const slurmTime = z
	.string()
	.regex(/^(\d+-)?\d+(:\d{1,2}){0,2}$/, 'expected a SLURM time such as "30", "2:00:00" or "1-12:00:00"');
/** sbatch --mem: a number with an optional K, M, G or T suffix. */
const slurmMemory = z.string().regex(/^\d+[KMGT]?$/i, 'expected a memory size such as "4000M" or "32G"');
const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "expected an environment variable name");
const noControl = (what: string) =>
	// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
	z.string().regex(/^[^\0-\x1f\x7f]*$/, `${what} must not contain a newline or control character`);
const env = z.record(envName, z.string());
const modules = z.array(noControl("a module name").min(1));
// min(1), not positive(): the message then says "at least 1", the smallest value it takes.
const positiveInt = z.number().int().min(1);

/** `ssh -o Key=Value`: option names are letters only; the value is one line. */
const sshOptions = z.record(
	z.string().regex(/^[A-Za-z]+$/, "expected an ssh option name such as ServerAliveInterval"),
	z.union([noControl("an ssh option value"), z.number(), z.boolean()]),
);

export const hostSchema = z.strictObject({
	/** Host name, address or an alias from ~/.ssh/config. */
	address: noControl("address").regex(
		/^[^\s-][^\s]*$/,
		"expected a host name without spaces, not starting with -",
	),
	user: z
		.string()
		.regex(/^[A-Za-z0-9_.][A-Za-z0-9_.-]*$/, "expected a user name")
		.optional(),
	port: z.number().int().min(1).max(65535).optional(),
	identity_file: noControl("identity_file").optional(),
	/** An ssh_config file used instead of ~/.ssh/config (ssh -F). */
	ssh_config: noControl("ssh_config").optional(),
	ssh_options: sshOptions.optional(),
	/** Folder on the host under which job folders mirror the project's layout; relative to the
	 * remote home. */
	remote_root: noControl("remote_root").min(1).default("crystal-tui"),
	/** Folder of the CRYSTAL executables on the host; unset: found on PATH (or by modules). */
	crystal_dir: noControl("crystal_dir").optional(),
	/** Where scratch folders are made on the host; unset: $CRYSTAL_TUI_SCRATCH, $TMPDIR, /tmp. */
	scratch_dir: noControl("scratch_dir").optional(),
	modules: modules.optional(),
	env: env.optional(),
	/** Trust a host key seen for the first time (StrictHostKeyChecking=accept-new). */
	accept_new_host_key: z.boolean().default(false),
	/** Jobs run at once on this host. */
	max_jobs: positiveInt.optional(),
	/** CRYSTAL inside a container image on this host. */
	container: containerSchema.optional(),
	...recoveryFields,
});

export const clusterSchema = z.strictObject({
	/** A `[hosts.NAME]` to submit through; unset: sbatch on this machine (a login node). */
	host: z.string().min(1).optional(),
	partition: slurmName.optional(),
	account: slurmName.optional(),
	qos: slurmName.optional(),
	constraint: slurmName.optional(),
	time: slurmTime.optional(),
	memory: slurmMemory.optional(),
	nodes: positiveInt.optional(),
	ntasks: positiveInt.optional(),
	cpus_per_task: positiveInt.optional(),
	modules: modules.optional(),
	env: env.optional(),
	crystal_dir: noControl("crystal_dir").optional(),
	scratch_dir: noControl("scratch_dir").optional(),
	/** Seconds between two squeue queries (one for all jobs); gentle on the controller. */
	poll_interval_seconds: z.number().min(1).max(3600).default(30),
	/** Launcher for parallel runs inside the allocation. */
	mpi_launcher: z.enum(["srun", "mpirun"]).default("srun"),
	/** CRYSTAL inside a container image on the cluster's nodes. */
	container: containerSchema.optional(),
	...recoveryFields,
});

export const defaultsSchema = z.strictObject({
	runner: z.enum(["local", "ssh", "slurm"]).optional(),
	/** Host, cluster or pool used when --host is not given. */
	host: z.string().min(1).optional(),
	ranks: positiveInt.optional(),
	threads: positiveInt.optional(),
	max_jobs: positiveInt.optional(),
	crystal_dir: noControl("crystal_dir").optional(),
	/** CRYSTAL inside a container image, for jobs run on this machine. */
	container: containerSchema.optional(),
	/** Allow ranks x threads above the cores of the machine or host (--oversubscribe). */
	oversubscribe: z.boolean().optional(),
	...recoveryFields,
});

export const fileSchema = z.strictObject({
	defaults: defaultsSchema.optional(),
	hosts: z
		.record(
			z.string().regex(/^[A-Za-z0-9_.-]+$/, "expected a host name of letters, digits, _ . -"),
			hostSchema,
		)
		.optional(),
	clusters: z
		.record(
			z.string().regex(/^[A-Za-z0-9_.-]+$/, "expected a cluster name of letters, digits, _ . -"),
			clusterSchema,
		)
		.optional(),
	pools: z
		.record(
			z.string().regex(/^[A-Za-z0-9_.-]+$/, "expected a pool name of letters, digits, _ . -"),
			poolSchema,
		)
		.optional(),
});

export type HostFile = z.infer<typeof hostSchema>;
export type ClusterFile = z.infer<typeof clusterSchema>;
export type DefaultsFile = z.infer<typeof defaultsSchema>;
export type ConfigFile = z.infer<typeof fileSchema>;
