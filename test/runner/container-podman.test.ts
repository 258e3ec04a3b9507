/**
 * CRYSTAL (the mock) inside a real Podman container on every backend: the image is built here
 * from a local root file system (test/helpers/container-image.ts). Local runs serial and MPI
 * (the mock's mpirun inside the image), a stop and a kill of the job's process group leaving
 * no container; an SSH host where the test user runs rootless Podman; the SLURM cluster with
 * one container per rank under srun. The pre-launch checks meet a real missing engine, image
 * and program.
 */
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { ContainerConfig } from "../../source/config/container.js";
import { readDeck } from "../../source/crystal/deck.js";
import type { JobHandle } from "../../source/runner/backend.js";
import { LocalBackend } from "../../source/runner/local.js";
import { LaunchError } from "../../source/runner/runner.js";
import { SlurmBackend } from "../../source/runner/slurm.js";
import { SshBackend } from "../../source/runner/ssh.js";
import {
	crystalTuiContainers,
	ensureMockImage,
	imageCrystalDir,
	importCommand,
	mockImage,
	mockImageTarball,
	podmanOrSkip,
} from "../helpers/container-image.js";
import {
	controlSocketDir,
	loopbackCluster,
	loopbackHost,
	loopbackJob,
	loopbackSlurm,
	loopbackSshd,
	requireOrSkip,
	sharedTempDir,
	tempDir,
	waitFor,
	waitForEnd,
} from "../helpers/infra.js";
import { crystalTui, deck } from "../helpers/project.js";

const skip = podmanOrSkip();
const skipSsh = skip || requireOrSkip(loopbackSshd);
const skipSlurm = skip || requireOrSkip(loopbackSlurm);
const tag = `${process.pid}-${Date.now().toString(36)}`;

const podman = (image: string, over: Partial<ContainerConfig> = {}): ContainerConfig => ({
	engine: "podman",
	image,
	crystalDir: imageCrystalDir,
	binds: [],
	// The mock's pace, from the job's environment.
	options: ["-e", "CRYSTAL_MOCK_DELAY"],
	engineOptions: ["--runtime", "runc", "--cgroup-manager", "cgroupfs"],
	...over,
});

/** Skip reason unless /usr/bin/docker is Podman's (podman-docker). */
const dockerIsPodman = (): string | false =>
	/podman/i.test(spawnSync("/usr/bin/docker", ["--version"], { encoding: "utf8" }).stdout ?? "")
		? false
		: "skipped: podman-docker not installed (no /usr/bin/docker from Podman)";

const mgo = readDeck(deck("MGO SCF"));
/** The container of a job, named in its run folder by the job script. */
const containerOf = (handle: JobHandle) => readFileSync(join(handle.runDir, "container"), "utf8").trim();

describe("podman on this machine", { skip }, () => {
	let image = "";
	let projectDir = "";
	const backend = (delay: string, over: Partial<ContainerConfig> = {}) =>
		new LocalBackend({ container: podman(image, over), env: { ...process.env, CRYSTAL_MOCK_DELAY: delay } });

	before(() => {
		image = ensureMockImage();
		projectDir = tempDir("ctc-");
	});

	it("runs a job serial: output appended, results staged back, no container left", async () => {
		const b = backend("0.001");
		const job = loopbackJob(projectDir, "serial", "mgo", { runner: "local" });
		await b.preflight(job);
		const handle = await b.launch(job, mgo);
		const end = await waitForEnd(b, handle, 60_000);
		assert.equal(end.exit?.code, 0);
		const out = readFileSync(join(job.dir, "mgo.out"), "utf8");
		assert.match(out, /== SCF ENDED - CONVERGENCE ON ENERGY/);
		assert.ok(statSync(join(job.dir, "mgo.f9")).size > 0, "fort.9 written in the container came back");
		assert.ok(!crystalTuiContainers().includes(containerOf(handle)));
	});

	it("runs an MPI job with mpirun inside the image", async () => {
		const b = backend("0.001");
		const job = {
			...loopbackJob(projectDir, "mpi", "mgo", { runner: "local" }),
			parallelism: { ranks: 2, threads: 1 },
		};
		await b.preflight(job);
		const handle = await b.launch(job, mgo);
		const script = readFileSync(join(handle.runDir, "job.sh"), "utf8");
		assert.match(script, / mpirun -np 2 "\$exe"/);
		const end = await waitForEnd(b, handle, 60_000);
		assert.equal(end.exit?.code, 0);
		assert.match(readFileSync(join(job.dir, "mgo.out"), "utf8"), /== SCF ENDED/);
		assert.ok(!crystalTuiContainers().includes(containerOf(handle)));
	});

	it("a stop ends CRYSTAL inside the container and removes the container", async () => {
		const b = backend("0.2");
		const job = loopbackJob(projectDir, "stop", "mgo", { runner: "local" });
		const handle = await b.launch(job, mgo);
		const name = await waitFor("the container to run", () => {
			try {
				const n = containerOf(handle);
				return crystalTuiContainers().includes(n) && n;
			} catch {
				return null;
			}
		});
		await b.kill(handle, { force: false, graceMs: 15_000 });
		const end = await waitForEnd(b, handle, 30_000);
		assert.equal(end.exit?.how, "terminated");
		assert.ok(!crystalTuiContainers().includes(name), `${name} is gone`);
	});

	it("a kill of the job script's process group leaves no container either", async () => {
		const b = backend("0.2");
		const job = loopbackJob(projectDir, "killed", "mgo", { runner: "local" });
		const handle = await b.launch(job, mgo);
		const name = await waitFor("the container to run", () => {
			try {
				const n = containerOf(handle);
				return crystalTuiContainers().includes(n) && n;
			} catch {
				return null;
			}
		});
		// What a crash of the run does: nothing of the script gets to run its traps.
		await b.kill(handle, { force: true, graceMs: 0 });
		await waitFor(`${name} to be removed`, () => !crystalTuiContainers().includes(name), 30_000);
	});

	it("runs through Podman's docker command (podman-docker) as engine docker", {
		skip: dockerIsPodman(),
	}, async () => {
		// /usr/bin first: a Docker CLI elsewhere on PATH without its daemon is not the one meant.
		const b = new LocalBackend({
			container: podman(image, { engine: "docker", engineOptions: [] }),
			env: { ...process.env, PATH: `/usr/bin:${process.env.PATH}`, CRYSTAL_MOCK_DELAY: "0.001" },
		});
		const job = loopbackJob(projectDir, "docker", "mgo", { runner: "local" });
		await b.preflight(job);
		const handle = await b.launch(job, mgo);
		assert.match(
			readFileSync(join(handle.runDir, "job.sh"), "utf8"),
			/^'?docker'? --log-level=error run --rm /m,
		);
		const end = await waitForEnd(b, handle, 60_000);
		assert.equal(end.exit?.code, 0);
		assert.match(readFileSync(join(job.dir, "mgo.out"), "utf8"), /== SCF ENDED/);
		assert.ok(!crystalTuiContainers().includes(containerOf(handle)));
	});

	it("runs from the configuration through crystal-tui run ([defaults.container])", async () => {
		const dir = tempDir("ctc-cli-");
		writeFileSync(join(dir, "mgo.d12"), deck("MGO SCF"));
		const config = (img: string) =>
			`[defaults.container]\nengine = "podman"\nimage = "${img}"\ncrystal_dir = "${imageCrystalDir}"\noptions = ["-e", "CRYSTAL_MOCK_DELAY"]\n`;
		writeFileSync(join(dir, "crystal-tui.toml"), config("localhost/no-such-image:1"));
		// No CRYSTAL on this machine's PATH: the one in the image is the one that runs.
		const env = { CRY23_EXEDIR: "", PATH: process.env.PATH ?? "" };
		const refused = await crystalTui(["run", "mgo.d12", "--no-tui"], { cwd: dir, env });
		assert.notEqual(refused.exitCode, 0);
		assert.match(refused.all, /container image localhost\/no-such-image:1 not found on this machine/);
		writeFileSync(join(dir, "crystal-tui.toml"), config(image));
		const run = await crystalTui(["run", "mgo.d12", "--no-tui"], { cwd: dir, env });
		assert.equal(run.exitCode, 0, run.all);
		assert.match(readFileSync(join(dir, "mgo.out"), "utf8"), /== SCF ENDED/);
		assert.match(
			readFileSync(join(dir, ".crystal-tui/runs/mgo/job.sh"), "utf8"),
			/ run --rm -i --name "\$ctr" /,
		);
	});

	it("refuses to start with a clear message: engine missing, image missing, CRYSTAL not in the image", async () => {
		const job = loopbackJob(projectDir, "checks", "mgo", { runner: "local" });
		const refused = async (over: Partial<ContainerConfig>, pattern: RegExp) =>
			assert.rejects(
				backend("0", over).preflight(job),
				(e: unknown) => e instanceof LaunchError && pattern.test(e.message),
			);
		await refused(
			{ engine: "apptainer", image: "/images/crystal.sif" },
			/^container engine apptainer not found on PATH on this machine \(container in \[defaults\]/,
		);
		await refused(
			{ image: "localhost/no-such-image:1" },
			/^container image localhost\/no-such-image:1 not found on this machine/,
		);
		await refused(
			{ crystalDir: "/opt/nowhere" },
			/^CRYSTAL not found in the image \S+: \/opt\/nowhere\/crystalOMP is not an executable file there/,
		);
	});
});

describe("podman on an SSH host (rootless, as the test user)", { skip: skipSsh }, () => {
	let ssh: SshBackend;
	let projectDir = "";
	let home = "";
	const image = mockImage();

	before(async () => {
		projectDir = join(tempDir("ctcs-"), "project");
		mkdirSync(projectDir);
		ssh = new SshBackend({
			host: loopbackHost({
				name: "loopback",
				file: "test",
				remoteRoot: `ct-container-${tag}`,
				env: { CRYSTAL_MOCK_DELAY: "0.005" },
				container: podman(image, { options: [] }),
			}),
			projectDir,
			connection: { controlDir: controlSocketDir() },
		});
		home = await ssh.remoteHome();
		// The test user's own image store: the same image, imported there.
		const exists = await ssh.connection.run(`podman image exists ${image}`);
		if (exists.code !== 0) await ssh.connection.exec(importCommand(mockImageTarball(), image).join(" "));
	});
	after(async () => {
		await ssh.connection.run(`rm -rf ${home}/ct-container-${tag}`).catch(() => {});
		await ssh?.close();
	});

	it("runs a job in a rootless container; files in the job folder are the user's", async () => {
		const job = loopbackJob(projectDir, "scf", "mgo", { runner: "ssh" });
		await ssh.preflight(job);
		const handle = await ssh.launch(job, mgo);
		const end = await waitForEnd(ssh, handle, 60_000);
		assert.equal(end.exit?.code, 0);
		const owners = await ssh.connection.exec(`stat -c %U ${handle.workDir}/mgo.out ${handle.workDir}/mgo.f9`);
		assert.deepEqual(owners.trim().split("\n"), [process.env.TEST_SSH_USER, process.env.TEST_SSH_USER]);
		await ssh.retrieve(handle, job);
		const out = readFileSync(join(job.dir, "mgo.out"), "utf8");
		assert.match(out, /== SCF ENDED/);
		assert.doesNotMatch(
			out,
			/level=warning|shared mount/,
			"NAME.out holds CRYSTAL's output, not Podman's warnings",
		);
		assert.equal((await ssh.connection.exec("podman ps -aq --filter label=crystal-tui.run")).trim(), "");
	});

	it("a stop over SSH removes the container", async () => {
		const job = loopbackJob(projectDir, "stop", "mgo", { runner: "ssh" });
		const handle = await ssh.launch(job, mgo);
		await waitFor("the container to run", async () =>
			(await ssh.connection.exec("podman ps -q --filter label=crystal-tui.run")).trim(),
		);
		await ssh.kill(handle, { force: false, graceMs: 15_000 });
		const end = await waitForEnd(ssh, handle, 30_000);
		assert.equal(end.exit?.how, "terminated");
		assert.equal((await ssh.connection.exec("podman ps -aq --filter label=crystal-tui.run")).trim(), "");
	});
});

describe("podman on the SLURM cluster", { skip: skipSlurm }, () => {
	let slurm: SlurmBackend;
	let projectDir = "";
	const left = (handle: JobHandle) =>
		execFileSync("podman", ["ps", "-aq", "--filter", `label=crystal-tui.run=${containerOf(handle)}`], {
			encoding: "utf8",
		}).trim();

	before(() => {
		ensureMockImage();
		projectDir = join(sharedTempDir("ctcl-"), "project");
		mkdirSync(projectDir);
		slurm = new SlurmBackend({
			cluster: loopbackCluster({
				env: { CRYSTAL_MOCK_DELAY: "0.01" },
				container: podman(mockImage(), { options: [] }),
			}),
			projectDir,
			followIntervalMs: 100,
		});
	});
	after(async () => {
		await slurm?.close();
	});

	it("runs serial and with one container per rank under srun", async () => {
		for (const ranks of [1, 2]) {
			const job = {
				...loopbackJob(projectDir, `r${ranks}`, "mgo", { runner: "slurm" }),
				parallelism: { ranks, threads: 1 },
			};
			await slurm.preflight(job);
			const handle = await slurm.launch(job, mgo);
			if (ranks > 1) assert.match(readFileSync(join(handle.runDir, "job.sh"), "utf8"), /^srun podman /m);
			const end = await waitForEnd(slurm, handle, 90_000);
			assert.equal(end.exit?.code, 0, readFileSync(join(job.dir, "mgo.out"), "utf8").slice(-2000));
			const out = readFileSync(join(job.dir, "mgo.out"), "utf8");
			// Rank 0 alone writes the output: one copy of it, not one per container.
			assert.equal(out.split("== SCF ENDED").length - 1, 1);
			assert.equal(left(handle), "");
		}
	});

	it("scancel ends CRYSTAL in the container and removes the container", async () => {
		const job = loopbackJob(projectDir, "stop", "mgo", { runner: "slurm" });
		const slow = new SlurmBackend({
			cluster: loopbackCluster({
				env: { CRYSTAL_MOCK_DELAY: "0.2" },
				container: podman(mockImage(), { options: [] }),
			}),
			projectDir,
			followIntervalMs: 100,
		});
		try {
			const handle = await slow.launch(job, mgo);
			await waitFor("the container to run", () => {
				try {
					return left(handle);
				} catch {
					return null;
				}
			});
			await slow.kill(handle, { force: false, graceMs: 15_000 });
			await waitForEnd(slow, handle, 60_000);
			await waitFor("the container to be removed", () => left(handle) === "", 30_000);
		} finally {
			await slow.close();
		}
	});
});
