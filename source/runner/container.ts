/**
 * The command that starts CRYSTAL inside a container, as lines of the one job script
 * (script.ts): everything else of the script (scratch folder, staging, records) stays on the
 * machine, and the container sees the scratch folder only.
 *
 * MPI, by engine and launcher:
 * - Apptainer/Singularity, and Podman/Docker under `srun`: the hybrid model of HPC sites, the
 *   machine's `mpirun`/`srun` starting one container per rank (the MPI inside the image must
 *   match the machine's, as with any hybrid run).
 * - Podman/Docker otherwise (a workstation, an SSH host): one container, `mpirun` inside it.
 *
 * Podman and Docker containers are not children of the script (conmon or the daemon runs
 * them), so a stop must remove them explicitly: each is labelled with a name made from the job
 * and the script's PID, removed after CRYSTAL ends or is stopped, and removed by a watcher in a
 * session of its own if the script is killed outright. Apptainer runs the container's processes
 * as the script's own children, in its process group, which a stop signals anyway.
 *
 * Pure: builds text. Every value from the configuration is quoted (shell-quote.ts); the paths
 * known only at run time (the scratch folder) are refused there if an engine could misread them.
 */
import type { ContainerConfig } from "../config/container.js";
import type { Parallelism } from "./runner.js";
import { shellQuote as q, shellName } from "./shell-quote.js";

/** How the ranks meet the container: none (serial), one container per rank, mpirun inside. */
export type MpiModel = "serial" | "hybrid" | "in-image";

export function mpiModelOf(
	engine: ContainerConfig["engine"],
	ranks: number,
	launcher: "mpirun" | "srun",
): MpiModel {
	if (ranks <= 1) return "serial";
	if (engine === "apptainer" || engine === "singularity") return "hybrid";
	return launcher === "srun" ? "hybrid" : "in-image";
}

export interface ContainerLaunchOptions {
	container: ContainerConfig;
	/** Deck base name: part of the container's name. */
	name: string;
	parallelism: Parallelism;
	launcher: "mpirun" | "srun";
	/** The machine's mpirun (hybrid model with mpirun). */
	mpirun: string;
	/** Variables the script exports for the run (the host's `env`), passed into the container. */
	envNames: string[];
}

export interface ContainerScript {
	model: MpiModel;
	/** Run before the launch, in place of the check for a CRYSTAL on the machine. */
	prepare: string;
	/** Starts CRYSTAL in the background, its output appended to "$out". */
	launch: string;
	/** Run once CRYSTAL has ended or been stopped: nothing of the job's containers is left. */
	cleanup: string;
}

/** The label every container of a job carries; its value is "$ctr". */
export const containerLabel = "crystal-tui.run";

/** A container name part from a deck name: the characters engines accept, bounded. */
export function containerNamePart(name: string): string {
	const safe = name.replaceAll(/[^A-Za-z0-9_.-]/g, "_").slice(0, 40);
	return safe || "job";
}

const isDaemonEngine = (engine: ContainerConfig["engine"]): engine is "podman" | "docker" =>
	engine === "podman" || engine === "docker";

/** Docker has no `-e PREFIX*`: the variables a rank learns its place from under SLURM or MPI. */
const rankVariables = [
	"SLURM_PROCID",
	"SLURM_LOCALID",
	"SLURM_NODEID",
	"SLURM_NTASKS",
	"SLURM_JOB_ID",
	"PMI_RANK",
	"PMI_SIZE",
	"OMPI_COMM_WORLD_RANK",
	"OMPI_COMM_WORLD_SIZE",
	"OMPI_COMM_WORLD_LOCAL_RANK",
];

export function containerLaunch(o: ContainerLaunchOptions): ContainerScript {
	const c = o.container;
	const model = mpiModelOf(c.engine, o.parallelism.ranks, o.launcher);
	// The engine's warnings would land in NAME.out among CRYSTAL's own messages: errors only.
	const quiet = isDaemonEngine(c.engine) ? ["--log-level=error"] : [];
	const engine = [
		q(c.engine, "container engine"),
		...quiet,
		...c.engineOptions.map((x) => q(x, "engine option")),
	].join(" ");
	const binds = c.binds.map((b) => `${b.source}:${b.target}`);
	const image = q(c.image, "image");
	const extra = c.options.map((x) => q(x, "container option"));

	const inside = isDaemonEngine(c.engine)
		? [
				engine,
				"run --rm",
				model === "serial" ? "-i" : "",
				// One name per container; the ranks of a hybrid run share the label only.
				model === "hybrid" ? "" : '--name "$ctr"',
				`--label "${containerLabel}=$ctr"`,
				"--entrypoint=",
				// The ranks of a hybrid run talk over the machine's network and shared memory.
				model === "hybrid" ? "--network host --ipc host" : "--network none",
				"--read-only",
				// biome-ignore lint/suspicious/noTemplateCurlyInString: a shell expansion
				'${ctr_user:+"$ctr_user"}',
				// Limits within the hard limits an unprivileged user may set (crun and runc fail
				// on the engine's own defaults on some kernels).
				"--ulimit nofile=1024:10000 --ulimit nproc=1024:10000",
				'-v "$scratch:$scratch" -w "$scratch"',
				...binds.map((b) => `-v ${q(`${b}:ro`, "bind")}`),
				...["OMP_NUM_THREADS", ...o.envNames].map((n) => `-e ${shellName(n, "environment variable")}`),
				...(model === "hybrid"
					? c.engine === "podman"
						? ["'SLURM_*'", "'PMI_*'", "'PMIX_*'", "'OMPI_*'"].map((p) => `-e ${p}`)
						: rankVariables.map((n) => `-e ${n}`)
					: []),
				...extra,
				image,
			]
		: [
				engine,
				// --contain: no home, /tmp or working folder of the machine inside; the
				// environment (OMP_NUM_THREADS, the host's env) is passed as it is.
				'exec --contain --bind "$scratch" --pwd "$scratch"',
				...binds.map((b) => `--bind ${q(`${b}:ro`, "bind")}`),
				...extra,
				image,
			];
	const run = inside.filter(Boolean).join(" ");

	const ranks = o.parallelism.ranks;
	const launch =
		model === "serial"
			? `${run} "$exe" < INPUT >> "$out" 2>&1 &`
			: model === "in-image"
				? `${run} mpirun -np ${ranks} "$exe" >> "$out" 2>&1 &`
				: o.launcher === "srun"
					? `srun ${run} "$exe" >> "$out" 2>&1 &`
					: `${q(o.mpirun, "mpirun")} -np ${ranks} ${run} "$exe" >> "$out" 2>&1 &`;

	const common = [
		`command -v ${q(c.engine)} > /dev/null 2>&1 || { note ${q(`container engine ${c.engine} not found on PATH`)}; code=127; finish; }`,
		// Engines split bind specifications on these.
		`case "$scratch" in *[:,]*) note "the scratch folder $scratch has a : or , in its path, which ${c.engine} cannot bind: set scratch_dir"; code=73; finish ;; esac`,
	];
	if (!isDaemonEngine(c.engine)) return { model, prepare: common.join("\n"), launch, cleanup: "" };

	const rootless = `ctr_user=; [ "$(id -u)" = 0 ] || ctr_user=--userns=keep-id`;
	const user =
		c.engine === "podman"
			? rootless
			: // Docker's daemon runs as root: the files it writes would be root's. Podman's
				// docker command (podman-docker) maps users as Podman does.
				`case "$(docker --version 2>/dev/null)" in *[Pp]odman*) ${rootless} ;; *) ctr_user="--user=$(id -u):$(id -g)" ;; esac`;
	const prepare = [
		...common,
		`ctr=crystal-tui-${containerNamePart(o.name)}-$$`,
		`printf '%s\\n' "$ctr" > "$run_dir/container"`,
		user,
		`ctr_remove() {
	for ctr_id in $(${engine} ps -aq --filter "label=${containerLabel}=$ctr" 2>/dev/null); do
		${engine} rm -f "$ctr_id" > /dev/null 2>&1
	done
}`,
		// A stop signals the script, not the container (the engine's client does not pass the
		// signal on everywhere: under SLURM it dies of it): CRYSTAL inside is told directly.
		`ctr_signal() {
	for ctr_id in $(${engine} ps -q --filter "label=${containerLabel}=$ctr" 2>/dev/null); do
		${engine} kill --signal TERM "$ctr_id" > /dev/null 2>&1
	done
}`,
		`trap 'on_term; ctr_signal' TERM INT`,
		// SIGKILL leaves the script no chance to remove the container: this watcher, in a session
		// of its own (out of reach of a signal to the job's group), does it once the script is gone.
		`if command -v setsid > /dev/null 2>&1; then
	setsid sh -c 'while kill -0 "$1" 2>/dev/null; do sleep 1; done; ctr=$2; shift 2
	for ctr_id in $("$@" ps -aq --filter "label=${containerLabel}=$ctr" 2>/dev/null); do "$@" rm -f "$ctr_id"; done' \\
		container-watch "$$" "$ctr" ${engine} < /dev/null > /dev/null 2>&1 &
else
	note "setsid not found: a job killed outright may leave its container $ctr behind"
fi`,
	];
	return { model, prepare: prepare.join("\n"), launch, cleanup: "ctr_remove" };
}
