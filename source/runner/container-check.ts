/**
 * Pre-launch checks of a container entry, on the machine that will run the job (this one, an
 * SSH host, a cluster's login node), in one round trip: the engine is on PATH, the image is
 * there, and the CRYSTAL program (and mpirun, where the model needs one) is found inside it
 * or on the machine. Each failure says what is missing and which entry to fix; nothing starts.
 */
import { execFile } from "node:child_process";
import type { ContainerConfig } from "../config/container.js";
import type { JobProgram } from "../crystal/staging.js";
import { mpiModelOf } from "./container.js";
import { LaunchError, type Parallelism } from "./runner.js";
import { executableOf } from "./script.js";
import { shellQuote as q } from "./shell-quote.js";
import type { RunResult } from "./ssh/connection.js";

export interface CheckMachine {
	/** For messages: "this machine" or the host's name. */
	readonly label: string;
	run(script: string): Promise<RunResult>;
}

export interface ContainerCheck {
	container: ContainerConfig;
	parallelism: Parallelism;
	/** properties for a NAME.d3 job: that is the executable looked for in the image. */
	program?: JobProgram;
	launcher: "mpirun" | "srun";
	/** The entry, for messages: "[hosts.gpu] of crystal-tui.toml". */
	where: string;
}

/** This machine, with the environment the job will have (its PATH finds the same engine). */
export function localCheckMachine(env: NodeJS.ProcessEnv): CheckMachine {
	return {
		label: "this machine",
		run: (script) =>
			new Promise((resolve) => {
				execFile(
					"sh",
					["-c", script],
					{ env, encoding: "buffer", timeout: 120_000 },
					(error, stdout, stderr) => {
						const code = error ? (typeof error.code === "number" ? error.code : null) : 0;
						resolve({ code, stdout, stderr: stderr.toString("utf8") });
					},
				);
			}),
	};
}

/** Exit statuses of the check script, one per finding. */
const noEngine = 10;
const noImage = 11;
const noHostMpirun = 12;
const notInImage = 13;

export function containerCheckScript(o: ContainerCheck): string {
	const c = o.container;
	const model = mpiModelOf(c.engine, o.parallelism.ranks, o.launcher);
	const engine = [q(c.engine), ...c.engineOptions.map((x) => q(x))].join(" ");
	const image = q(c.image);
	const program = executableOf(o);
	const wanted = [c.crystalDir ? `${c.crystalDir}/${program}` : program];
	if (model === "in-image") wanted.push("mpirun");
	const imageThere =
		c.engine === "podman"
			? `${engine} image exists ${image}`
			: c.engine === "docker"
				? `${engine} image inspect ${image} > /dev/null 2>&1`
				: `case ${image} in *://*) ;; *) [ -e ${image} ] ;; esac`;
	// Prints the first name it cannot find and exits 3, inside the image.
	const look = q(
		'for p; do case $p in */*) [ -x "$p" ] && [ -f "$p" ] ;; *) command -v "$p" > /dev/null ;; esac || { printf "%s\\n" "$p"; exit 3; }; done',
	);
	const run =
		c.engine === "podman" || c.engine === "docker"
			? `${engine} run --rm --entrypoint= --network none --ulimit nofile=1024:10000 --ulimit nproc=1024:10000 ${image}`
			: `${engine} exec --contain ${image}`;
	return [
		`command -v ${q(c.engine)} > /dev/null 2>&1 || exit ${noEngine}`,
		`${imageThere} || exit ${noImage}`,
		model === "hybrid" && o.launcher === "mpirun"
			? `command -v mpirun > /dev/null 2>&1 || exit ${noHostMpirun}`
			: "",
		`${run} sh -c ${look} look ${wanted.map((w) => q(w)).join(" ")}`,
		`status=$?; [ "$status" = 3 ] && exit ${notInImage}; exit "$status"`,
	]
		.filter(Boolean)
		.join("\n");
}

export async function checkContainer(machine: CheckMachine, o: ContainerCheck): Promise<void> {
	const c = o.container;
	const r = await machine.run(containerCheckScript(o));
	if (r.code === 0) return;
	const on = machine.label;
	const fix = `(container in ${o.where})`;
	switch (r.code) {
		case noEngine:
			throw new LaunchError(`container engine ${c.engine} not found on PATH on ${on} ${fix}`);
		case noImage:
			throw new LaunchError(
				c.engine === "podman" || c.engine === "docker"
					? `container image ${c.image} not found on ${on}: build or load it there (\`${c.engine} images\` lists what there is) ${fix}`
					: `container image ${c.image} not found on ${on}: no such file ${fix}`,
			);
		case noHostMpirun:
			throw new LaunchError(
				`${o.parallelism.ranks} MPI ranks with ${c.engine} start one container per rank with the mpirun of ${on}, and none is on PATH: load your MPI module, or run with --ranks 1`,
			);
		case notInImage: {
			const missing = r.stdout.toString("utf8").trim().split("\n")[0] ?? "";
			throw new LaunchError(
				missing === "mpirun"
					? `no mpirun inside the image ${c.image}: ${o.parallelism.ranks} MPI ranks with ${c.engine} run mpirun inside the image ${fix}`
					: `CRYSTAL not found in the image ${c.image}: ${missing} ${missing.includes("/") ? "is not an executable file there" : "is not on the image's PATH (set crystal_dir)"} ${fix}`,
			);
		}
		default: {
			const why = r.stderr.trim().split("\n").filter(Boolean).pop() ?? `exit ${r.code}`;
			throw new LaunchError(`could not start a ${c.engine} container of ${c.image} on ${on}: ${why} ${fix}`);
		}
	}
}
