/**
 * The container command lines, engine by engine and MPI model by model, and the configuration
 * entry that feeds them. Apptainer and Singularity are not installed on these machines: their
 * lines are checked here only. The words are also handed to a real sh, to see what an engine
 * would receive from hostile values.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import type { ContainerConfig } from "../../source/config/container.js";
import { ConfigError, loadConfig } from "../../source/config/load.js";
import { type ContainerLaunchOptions, containerLaunch, mpiModelOf } from "../../source/runner/container.js";
import { jobScript } from "../../source/runner/script.js";
import { UnsafeValueError } from "../../source/runner/shell-quote.js";

const made: string[] = [];
after(() => {
	for (const dir of made) rmSync(dir, { recursive: true, force: true });
});
const temp = () => {
	const dir = mkdtempSync(join(tmpdir(), "ct-container-"));
	made.push(dir);
	return dir;
};

const podman: ContainerConfig = {
	engine: "podman",
	image: "localhost/crystal:23",
	crystalDir: "/opt/crystal/bin",
	binds: [{ source: "/data/basis", target: "/basis" }],
	options: ["--shm-size=1g"],
	engineOptions: ["--runtime", "runc", "--cgroup-manager", "cgroupfs"],
};
const apptainer: ContainerConfig = {
	engine: "apptainer",
	image: "/images/crystal23.sif",
	binds: [],
	options: [],
	engineOptions: [],
};

const launch = (container: ContainerConfig, over: Partial<ContainerLaunchOptions> = {}) =>
	containerLaunch({
		container,
		name: "mgo",
		parallelism: { ranks: 1, threads: 1 },
		launcher: "mpirun",
		mpirun: "mpirun",
		envNames: [],
		...over,
	});

describe("which MPI model runs", () => {
	it("is the hybrid model for Apptainer/Singularity and under srun, mpirun inside the image otherwise", () => {
		assert.equal(mpiModelOf("podman", 1, "srun"), "serial");
		assert.equal(mpiModelOf("apptainer", 4, "mpirun"), "hybrid");
		assert.equal(mpiModelOf("singularity", 4, "srun"), "hybrid");
		assert.equal(mpiModelOf("podman", 4, "srun"), "hybrid");
		assert.equal(mpiModelOf("docker", 4, "srun"), "hybrid");
		assert.equal(mpiModelOf("podman", 4, "mpirun"), "in-image");
		assert.equal(mpiModelOf("docker", 4, "mpirun"), "in-image");
	});
});

describe("podman and docker command lines", () => {
	it("serial: one named, labelled, read-only container without network, the scratch folder its only writable bind", () => {
		const { launch: line, prepare, cleanup } = launch(podman);
		assert.match(
			line,
			/^podman --log-level=error --runtime runc --cgroup-manager cgroupfs run --rm -i --name "\$ctr" /,
		);
		for (const part of [
			'--label "crystal-tui.run=$ctr"',
			"--network none",
			"--read-only",
			// biome-ignore lint/suspicious/noTemplateCurlyInString: a shell expansion
			'${ctr_user:+"$ctr_user"}',
			"--ulimit nofile=1024:10000 --ulimit nproc=1024:10000",
			'-v "$scratch:$scratch" -w "$scratch"',
			"-v /data/basis:/basis:ro",
			"-e OMP_NUM_THREADS",
			"--shm-size=1g localhost/crystal:23",
		])
			assert.ok(line.includes(part), `${part} in ${line}`);
		assert.ok(line.endsWith(' localhost/crystal:23 "$exe" < INPUT >> "$out" 2>&1 &'), line);
		assert.match(prepare, /ctr=crystal-tui-mgo-\$\$/);
		assert.match(prepare, /\[ "\$\(id -u\)" = 0 \] \|\| ctr_user=--userns=keep-id/);
		assert.match(prepare, /setsid sh -c/);
		assert.equal(cleanup, "ctr_remove");
	});

	it("MPI on a workstation: mpirun inside the one container", () => {
		const { launch: line, model } = launch(podman, { parallelism: { ranks: 4, threads: 2 } });
		assert.equal(model, "in-image");
		assert.ok(line.includes(' localhost/crystal:23 mpirun -np 4 "$exe" >> "$out"'), line);
		assert.ok(!line.includes(" -i "), "no standard input: Pcrystal reads INPUT");
	});

	it("MPI under srun: one container per rank on the machine's network, told its rank", () => {
		const { launch: line, model } = launch(podman, {
			parallelism: { ranks: 4, threads: 1 },
			launcher: "srun",
		});
		assert.equal(model, "hybrid");
		assert.match(line, /^srun podman /);
		assert.ok(!line.includes("--name"), "ranks share the label, not a name");
		assert.ok(line.includes("--network host --ipc host"), line);
		assert.ok(line.includes("-e 'SLURM_*' -e 'PMI_*'"), line);
		assert.ok(line.endsWith(' localhost/crystal:23 "$exe" >> "$out" 2>&1 &'), line);
	});

	it("docker: files written as the user (--user), or as Podman maps them when docker is podman-docker", () => {
		const docker = { ...podman, engine: "docker" as const, engineOptions: [] };
		const { launch: line, prepare } = launch(docker, {
			parallelism: { ranks: 2, threads: 1 },
			launcher: "srun",
		});
		assert.match(line, /^srun docker --log-level=error run --rm /);
		assert.ok(line.includes("-e SLURM_PROCID"), "docker has no -e PREFIX*: the rank variables by name");
		assert.match(prepare, /\*\) ctr_user="--user=\$\(id -u\):\$\(id -g\)"/);
		assert.match(prepare, /\*\[Pp\]odman\*\) ctr_user=; /);
	});

	it("passes the host's environment variables by name", () => {
		const { launch: line } = launch(podman, { envNames: ["OMP_STACKSIZE"] });
		assert.ok(line.includes("-e OMP_NUM_THREADS -e OMP_STACKSIZE"), line);
		assert.throws(() => launch(podman, { envNames: ["A B"] }), UnsafeValueError);
	});
});

describe("apptainer and singularity command lines (not run against a real engine here)", () => {
	it("serial: exec --contain with the scratch folder bound and as working folder", () => {
		const {
			launch: line,
			prepare,
			cleanup,
		} = launch({
			...apptainer,
			binds: [{ source: "/data", target: "/data" }],
		});
		assert.equal(
			line,
			'apptainer exec --contain --bind "$scratch" --pwd "$scratch" --bind /data:/data:ro /images/crystal23.sif "$exe" < INPUT >> "$out" 2>&1 &',
		);
		assert.ok(!prepare.includes("setsid"), "the container's processes are the script's own: no watcher");
		assert.equal(cleanup, "");
	});

	it("MPI: the machine's mpirun or srun starts one container per rank", () => {
		const viaMpirun = launch(apptainer, {
			parallelism: { ranks: 4, threads: 1 },
			mpirun: "/opt/mpi/bin/mpirun",
		});
		assert.equal(
			viaMpirun.launch,
			'/opt/mpi/bin/mpirun -np 4 apptainer exec --contain --bind "$scratch" --pwd "$scratch" /images/crystal23.sif "$exe" >> "$out" 2>&1 &',
		);
		const viaSrun = launch(
			{ ...apptainer, engine: "singularity" },
			{ parallelism: { ranks: 8, threads: 2 }, launcher: "srun" },
		);
		assert.match(viaSrun.launch, /^srun singularity exec --contain /);
	});
});

describe("hostile values", () => {
	it("reach the engine as single arguments, and a NUL byte is refused", () => {
		const dir = temp();
		const bin = join(dir, "bin");
		mkdirSync(bin);
		// The engine's place on PATH taken by a program that records the arguments it receives.
		writeFileSync(join(bin, "podman"), `#!/bin/sh\nfor a; do printf '%s\\n' "$a"; done > "$ARGS_FILE"\n`);
		chmodSync(join(bin, "podman"), 0o755);
		// biome-ignore lint/suspicious/noTemplateCurlyInString: a shell expansion, on purpose
		const hostile = "--env=X=$(touch pwned); `id` 'quoted' \"double\" ${HOME}";
		const c: ContainerConfig = {
			...podman,
			image: "img$(touch pwned)",
			options: [hostile],
			engineOptions: [],
		};
		const { launch: line } = launch(c);
		const script = `scratch=${dir}/scratch; exe=/opt/crystal/bin/crystalOMP; out=${dir}/out; ctr=n; ctr_user=
mkdir -p "$scratch"; cd "$scratch"; : > INPUT
${line}
wait`;
		const r = spawnSync("sh", ["-c", script], {
			env: { PATH: `${bin}:/usr/bin:/bin`, ARGS_FILE: join(dir, "args") },
			encoding: "utf8",
		});
		assert.equal(r.status, 0, r.stderr);
		const args = readFileSync(join(dir, "args"), "utf8").split("\n");
		assert.ok(args.includes(hostile), "the option arrives as written, as one argument");
		assert.ok(args.includes("img$(touch pwned)"));
		assert.equal(spawnSync("sh", ["-c", `ls ${dir}/scratch/pwned`]).status, 2, "nothing was executed");
		assert.throws(() => launch({ ...podman, options: ["a\0b"] }), UnsafeValueError);
	});

	it("a scratch path with a : or , is refused at run time, before any engine sees it", () => {
		const script = jobScript({
			name: "mgo",
			jobDir: "/tmp/j",
			runDir: "/tmp/j/.crystal-tui/runs/mgo",
			scratchRoot: "/tmp/a:b",
			isOptimisation: false,
			parallelism: { ranks: 1, threads: 1 },
			exeDir: "/host/crystal",
			mpiLauncher: "mpirun",
			keepScratch: false,
			container: podman,
		});
		assert.match(script, /case "\$scratch" in \*\[:,\]\*\) note "the scratch folder/);
		assert.match(
			script,
			/exe=\/opt\/crystal\/bin\/crystalOMP/,
			"the program inside the image, not the host's",
		);
		assert.ok(!script.includes("CRYSTAL executable not found"), "the host's CRYSTAL check gives way");
		assert.match(script, /done\nctr_remove\n/, "containers removed once CRYSTAL has ended or was stopped");
	});

	it("gives a job script that is valid POSIX sh for every engine and model", () => {
		for (const container of [podman, { ...podman, engine: "docker" as const }, apptainer]) {
			for (const [ranks, launcher] of [
				[1, "mpirun"],
				[4, "mpirun"],
				[4, "srun"],
			] as const) {
				const script = jobScript({
					name: "it's $(x)",
					jobDir: "/tmp/j",
					runDir: "/tmp/j/r",
					scratchRoot: null,
					isOptimisation: false,
					parallelism: { ranks, threads: 1 },
					exeDir: null,
					mpiLauncher: launcher,
					keepScratch: false,
					container,
				});
				const r = spawnSync("sh", ["-n"], { input: script, encoding: "utf8" });
				assert.equal(r.status, 0, `${container.engine} ${ranks} ${launcher}: ${r.stderr}`);
				if (container.engine !== "apptainer") assert.match(script, /^ctr=crystal-tui-it_s___x_-\$\$$/m);
			}
		}
	});
});

describe("the container entry of the configuration", () => {
	const load = (text: string) => {
		const dir = temp();
		writeFileSync(join(dir, "crystal-tui.toml"), text);
		return loadConfig(dir, { userFile: null });
	};
	const failsWith = (text: string, pattern: RegExp) =>
		assert.throws(
			() => load(text),
			(error: unknown) => error instanceof ConfigError && pattern.test(error.message),
		);

	it("is read for [defaults], a host and a cluster", () => {
		const config = load(`
[defaults.container]
engine = "podman"
image = "localhost/crystal:23"
binds = ["/data/basis", "/scratch/shared:/shared"]

[hosts.ws.container]
engine = "docker"
image = "crystal:23"
options = ["--shm-size=1g"]

[hosts.ws]
address = "ws.example.org"

[clusters.hpc]
mpi_launcher = "srun"
container = { engine = "apptainer", image = "/sw/crystal23.sif", crystal_dir = "/opt/crystal/bin/" }
`);
		assert.deepEqual(config.defaults.container, {
			engine: "podman",
			image: "localhost/crystal:23",
			binds: [
				{ source: "/data/basis", target: "/data/basis" },
				{ source: "/scratch/shared", target: "/shared" },
			],
			options: [],
			engineOptions: ["--runtime", "runc", "--cgroup-manager", "cgroupfs"],
		});
		assert.deepEqual(config.hosts.ws?.container?.options, ["--shm-size=1g"]);
		assert.deepEqual(config.hosts.ws?.container?.engineOptions, []);
		assert.equal(config.clusters.hpc?.container?.crystalDir, "/opt/crystal/bin");
	});

	it("names the file and the key of a mistake", () => {
		failsWith(
			'[hosts.ws]\naddress = "x"\n[hosts.ws.container]\nengine = "podman"\nimage = "i"\nimgae = "j"\n',
			/^crystal-tui\.toml: hosts\.ws\.container\.imgae: unknown key$/,
		);
		failsWith(
			'[defaults.container]\nengine = "lxc"\nimage = "i"\n',
			/crystal-tui\.toml: defaults\.container\.engine: expected one of "apptainer", "singularity", "podman", "docker"/,
		);
		failsWith('[defaults.container]\nengine = "podman"\n', /defaults\.container\.image: missing/);
		failsWith(
			'[defaults.container]\nengine = "apptainer"\nimage = "crystal.sif"\n',
			/defaults\.container\.image: expected an absolute path to a SIF file/,
		);
		failsWith(
			'[defaults.container]\nengine = "podman"\nimage = "--privileged"\n',
			/defaults\.container\.image: expected an image without spaces, not starting with -/,
		);
		failsWith(
			'[defaults.container]\nengine = "podman"\nimage = "i"\nbinds = ["/a,/b"]\n',
			/defaults\.container\.binds\.0: expected "\/path" or/,
		);
		failsWith(
			'[defaults.container]\nengine = "podman"\nimage = "i"\ncrystal_dir = "bin"\n',
			/defaults\.container\.crystal_dir: expected an absolute folder inside the image/,
		);
	});
});
