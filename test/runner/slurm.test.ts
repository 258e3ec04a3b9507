/**
 * The SLURM backend against a real single-node cluster on loopback (munge, slurmctld, slurmd
 * from .ci/infra/setup-test-infra.sh): sbatch, every state a job passes through, scancel,
 * dependencies, hostile names, the queue listing, and submission through the SSH backend.
 */
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ClusterConfig } from "../../source/config/load.js";
import { readDeck } from "../../source/crystal/deck.js";
import type { JobHandle, Liveness } from "../../source/runner/backend.js";
import { type JobSpec, LaunchError } from "../../source/runner/runner.js";
import { listSlurmJobs } from "../../source/runner/slurm/queue.js";
import { SlurmBackend } from "../../source/runner/slurm.js";
import {
	after,
	before,
	controlSocketDir,
	copyMockCrystal,
	describe,
	it,
	loopbackCluster,
	loopbackHost,
	loopbackJob,
	loopbackSlurm,
	loopbackSshd,
	requireOrSkip,
	scontrolField,
	sharedTempDir,
	uploadMockCrystal,
	waitFor,
	waitForEnd,
} from "../helpers/infra.js";
import { deck } from "../helpers/project.js";

/** Files named PWNED* under the folders; other tests' temporary folders that vanish while find
 * walks /tmp make it complain, which says nothing about what it found. */
function findPwned(dirs: string[]): string {
	const r = spawnSync("find", [...dirs, "-maxdepth", "4", "-name", "PWNED*"], { encoding: "utf8" });
	return r.stdout;
}

const env = process.env;
const skip = requireOrSkip(loopbackSlurm);
const skipSsh = skip || requireOrSkip(loopbackSshd);

let binDir = "";
const cluster = (overrides: Partial<ClusterConfig> = {}): ClusterConfig =>
	loopbackCluster({ env: { CRYSTAL_MOCK_DELAY: "0.05" }, crystalDir: binDir, ...overrides });

const makeJob = (projectDir: string, sub: string, name: string) =>
	loopbackJob(projectDir, sub, name, { runner: "slurm" });

type Ended = Extract<Liveness, { alive: false }>;

const waitDetail = (backend: SlurmBackend, handle: JobHandle, pattern: RegExp, timeoutMs = 60_000) =>
	waitFor(
		`job ${handle.slurmJobId} to show ${pattern}`,
		async () => {
			const l = await backend.liveness(handle);
			return l.alive && l.detail && pattern.test(l.detail) ? l.detail : null;
		},
		timeoutMs,
	);

const scontrolState = (id: string | undefined) => scontrolField(id, "JobState");

describe("slurm backend (sbatch on this machine)", { skip }, () => {
	let projectDir: string;
	let backend: SlurmBackend;
	const started: JobHandle[] = [];

	before(() => {
		projectDir = join(sharedTempDir("cts-"), "project");
		mkdirSync(projectDir);
		binDir = copyMockCrystal(join(sharedTempDir("ctbin-"), "bin"));
		backend = new SlurmBackend({ cluster: cluster(), projectDir, followIntervalMs: 100 });
	});
	after(async () => {
		for (const h of started) await backend.kill(h, { force: true, graceMs: 0 }).catch(() => {});
		await backend.close();
	});

	const launch = async (b: SlurmBackend, job: JobSpec) => {
		const h = await b.launch(job, readDeck(deck("MGO SCF")));
		started.push(h);
		return h;
	};

	it("submits a job, follows it RUNNING to COMPLETED with its output, and says when it synced", async () => {
		const job = makeJob(projectDir, "scf", "mgo");
		await backend.preflight(job);
		const handle = await launch(backend, job);
		assert.match(handle.slurmJobId ?? "", /^\d+$/);
		const script = readFileSync(join(handle.runDir, "job.sh"), "utf8");
		assert.match(script, new RegExp(`^#!/bin/sh\\n#SBATCH --partition=${env.TEST_SLURM_PARTITION}\\n`));
		assert.match(script, /^#SBATCH --ntasks=1$/m);
		const received: Buffer[] = [];
		const follower = backend.follow(handle, `${job.name}.out`, 0, {
			data: (c) => received.push(c),
			trouble: () => {},
		});
		const running = await waitDetail(backend, handle, /^RUNNING on \S+/);
		assert.match(running, /synced \d\d:\d\d:\d\d$/);
		const end = await waitForEnd(backend, handle);
		await follower.drain();
		follower.close();
		assert.equal(end.exit?.code, 0);
		assert.equal(end.exit?.how, "completed");
		const out = readFileSync(join(job.dir, "mgo.out"), "utf8");
		assert.ok(out.length > 0);
		assert.equal(Buffer.concat(received).toString("utf8"), out);
		assert.ok(existsSync(join(job.dir, "mgo.f9")), "results staged back");
		await waitFor("scontrol to say COMPLETED", async () => scontrolState(handle.slurmJobId) === "COMPLETED");
	});

	it("finds a submission cut short by the job id kept beside it", async () => {
		const job = makeJob(projectDir, "recover", "mgo");
		const since = Date.now();
		const handle = await launch(backend, job);
		// What a crystal-tui that stopped before recording this handle finds at the next start.
		const found = await backend.recover(job, since);
		assert.equal(found?.slurmJobId, handle.slurmJobId);
		assert.equal(found?.runDir, handle.runDir);
		// For a submission begun after the id was written, it is an earlier one's.
		assert.equal(await backend.recover(job, Date.now() + 60_000), null);
		assert.ok(found);
		const end = await waitForEnd(backend, found);
		assert.equal(end.exit?.code, 0);
	});

	it("reports a FAILED job with its exit code", async () => {
		const failing = new SlurmBackend({
			cluster: cluster({ env: { CRYSTAL_MOCK_DELAY: "0.01", CRYSTAL_MOCK_EXIT: "3" } }),
			projectDir,
		});
		const job = makeJob(projectDir, "fail", "bad");
		const handle = await launch(failing, job);
		const end = await waitForEnd(failing, handle);
		assert.equal(end.exit?.code, 3);
		await waitFor("scontrol to say FAILED", async () => scontrolState(handle.slurmJobId) === "FAILED");
	});

	it("shows PENDING with its reason when there are more jobs than CPUs, and scancel ends a pending and a running job", async () => {
		const slow = new SlurmBackend({ cluster: cluster({ env: { CRYSTAL_MOCK_DELAY: "2" } }), projectDir });
		const cpus = Number(
			/CPUTot=(\d+)/.exec(execFileSync("scontrol", ["show", "node", "-o"], { encoding: "utf8" }))?.[1] ?? 4,
		);
		const handles: JobHandle[] = [];
		for (let i = 0; i <= cpus; i++)
			handles.push(await launch(slow, makeJob(projectDir, `busy/${i}`, `busy${i}`)));
		const last = handles[handles.length - 1] as JobHandle;
		const first = handles[0] as JobHandle;
		assert.match(await waitDetail(slow, last, /^PENDING \((Resources|Priority)\)/), /synced/);
		await waitDetail(slow, first, /^RUNNING/);
		await slow.kill(last, { force: false, graceMs: 1000 });
		const pendingEnd = await waitForEnd(slow, last);
		assert.match(pendingEnd.detail ?? "", /^cancelled/);
		assert.equal(pendingEnd.exit?.how, "terminated");
		await slow.kill(first, { force: false, graceMs: 1000 });
		const runningEnd = await waitForEnd(slow, first);
		assert.equal(runningEnd.exit?.how, "terminated", "the job script caught SIGTERM and wrote its record");
		await waitFor("scontrol to say CANCELLED", async () => scontrolState(first.slurmJobId) === "CANCELLED");
		for (const h of handles) await slow.kill(h, { force: false, graceMs: 0 });
	});

	it("chains jobs with afterok: the second waits on the first, then runs", async () => {
		const first = makeJob(projectDir, "chain", "opt");
		const second = { ...makeJob(projectDir, "chain", "freq"), dependsOn: [first.id] };
		const slowish = new SlurmBackend({
			cluster: cluster({ env: { CRYSTAL_MOCK_DELAY: "0.2" } }),
			projectDir,
		});
		const a = await launch(slowish, first);
		const b = await launch(slowish, second);
		assert.match(await waitDetail(slowish, b, /^PENDING \(Dependency\)/), /Dependency/);
		const aEnd = await waitForEnd(slowish, a);
		assert.equal(aEnd.exit?.code, 0);
		const bEnd = await waitForEnd(slowish, b);
		assert.equal(bEnd.exit?.code, 0);
		assert.ok(
			(aEnd.exit?.endedAt ?? 0) <= (bEnd.exit?.startedAt ?? 0),
			"the second started after the first ended",
		);
		await assert.rejects(
			slowish.launch(
				{ ...makeJob(projectDir, "chain", "orphan"), dependsOn: ["never/submitted"] },
				readDeck(deck("X")),
			),
			/depends on never\/submitted, which has no SLURM job/,
		);
	});

	it("cancels a job whose dependency failed", async () => {
		const failing = new SlurmBackend({
			cluster: cluster({ env: { CRYSTAL_MOCK_EXIT: "1", CRYSTAL_MOCK_DELAY: "0.01" } }),
			projectDir,
		});
		const a = await launch(failing, makeJob(projectDir, "broken", "first"));
		const b = await launch(backend, {
			...makeJob(projectDir, "broken", "second"),
			options: { afterok: a.slurmJobId ?? "" },
		});
		const bEnd = await waitForEnd(backend, b);
		assert.match(bEnd.detail ?? "", /cancelled|vanished/);
		assert.equal(existsSync(join(projectDir, "broken", "second.out")), false, "the dependent job never ran");
	});

	it("reports TIMEOUT when the time limit is reached", { timeout: 240_000 }, async () => {
		const slow = new SlurmBackend({
			cluster: cluster({ time: "1", env: { CRYSTAL_MOCK_DELAY: "10" } }),
			projectDir,
		});
		const handle = await launch(slow, makeJob(projectDir, "timeout", "long"));
		const end = await waitForEnd(slow, handle, 200_000);
		assert.equal(end.exit?.how, "terminated");
		await waitFor("scontrol to say TIMEOUT", async () => scontrolState(handle.slurmJobId) === "TIMEOUT");
	});

	it("resolves a job that left the queue from its exit record, or says it vanished", async () => {
		const job = makeJob(projectDir, "vanished", "v");
		const runDir = join(job.dir, ".crystal-tui", "runs", "v");
		mkdirSync(runDir, { recursive: true });
		const ghost: JobHandle = {
			runner: "slurm",
			workDir: job.dir,
			runDir,
			pgid: null,
			pidStart: null,
			slurmJobId: "987654",
			launchedAt: Date.now() - 60_000,
		};
		const lost = await backend.liveness(ghost);
		assert.equal(lost.alive, false);
		assert.match((lost as Ended).detail ?? "", /vanished from the SLURM queue; no exit record/);
		writeFileSync(join(runDir, "exit"), "code=0\nstarted=100\nended=200\nhow=completed\n");
		const done = await backend.liveness(ghost);
		assert.deepEqual(done.alive ? null : done.exit, {
			code: 0,
			startedAt: 100,
			endedAt: 200,
			how: "completed",
		});
	});

	it("runs a job with hostile names and executes nothing from them", async () => {
		const evil = `we'ird $(touch PWNED1) \`touch PWNED2\`; touch PWNED3 "q"\nx`;
		const hostile = new SlurmBackend({
			cluster: cluster({
				env: { CRYSTAL_MOCK_DELAY: "0.01", EVIL: "$(touch PWNED6) `touch PWNED7`" },
				modules: ["x; touch PWNED8"],
			}),
			projectDir,
		});
		const job = makeJob(projectDir, `dir $(touch PWNED4) ';touch PWNED5'`, evil);
		const handle = await launch(hostile, job);
		const end = await waitForEnd(hostile, handle);
		assert.equal(end.exit?.code, 0);
		assert.ok(readFileSync(join(job.dir, `${evil}.out`), "utf8").length > 0);
		assert.equal(findPwned([projectDir, tmpdir()]), "");
		await assert.rejects(
			hostile.launch(
				{ ...makeJob(projectDir, "p", "p"), options: { partition: "debug\n#SBATCH --uid=0" } },
				readDeck(deck("X")),
			),
			(e: unknown) => e instanceof LaunchError && /partition: expected a SLURM name/.test(e.message),
		);
		await assert.rejects(
			hostile.launch(
				{ ...makeJob(projectDir, "p", "p"), options: { afterok: "1; touch PWNED9" } },
				readDeck(deck("X")),
			),
			/afterok: .* is not a SLURM job id/,
		);
	});

	it("lists the user's SLURM jobs, including ones crystal-tui did not start, with what adoption needs", async () => {
		const dir = sharedTempDir("ctforeign-");
		const id = execFileSync(
			"sbatch",
			["--parsable", "-J", "foreign job", "-o", "foreign-%j.log", "--wrap", "echo hello; sleep 20"],
			{
				cwd: dir,
				encoding: "utf8",
			},
		).trim();
		try {
			const jobs = await waitFor("the foreign job in the list", async () => {
				const list = await listSlurmJobs(backend.machine);
				return list.find((j) => j.id === id) ? list : null;
			});
			const job = jobs.find((j) => j.id === id);
			assert.equal(job?.name, "foreign job");
			assert.equal(job?.workDir, dir);
			assert.equal(job?.stdout, join(dir, `foreign-${id}.log`));
			assert.match(job?.state ?? "", /PENDING|RUNNING/);
		} finally {
			execFileSync("scancel", [id]);
		}
	});

	it("refuses a partition that does not exist, before submitting anything", async () => {
		const b = new SlurmBackend({ cluster: cluster({ partition: "nosuchpartition" }), projectDir });
		await assert.rejects(
			b.preflight(makeJob(projectDir, "np", "np")),
			/partition nosuchpartition does not exist/,
		);
	});
});

describe("slurm backend (sbatch through ssh)", { skip: skipSsh }, () => {
	it("submits on the login host as the remote user, follows the output, and brings results back", async () => {
		const tag = `ct-slurm-${process.pid}`;
		const host = loopbackHost({ name: "login", file: "test", remoteRoot: tag });
		const projectDir = join(sharedTempDir("ctsr-"), "project");
		const controlDir = controlSocketDir();
		const backend = new SlurmBackend({
			cluster: cluster({ host: "login", crystalDir: `${tag}/bin` }),
			host,
			projectDir,
			ssh: { connection: { controlDir } },
		});
		try {
			const ssh = backend.ssh;
			assert.ok(ssh, "a cluster behind a host submits through ssh");
			const home = await ssh.remoteHome();
			await uploadMockCrystal(ssh.connection, `${home}/${tag}/bin`);
			const job = makeJob(projectDir, "remote", "mgo");
			await backend.preflight(job);
			const handle = await backend.launch(job, readDeck(deck("MGO SCF")));
			// The project's folder there: its name and a hash of its local path.
			assert.match(handle.workDir, new RegExp(`^${home}/${tag}/project-[0-9a-f]{8}/remote$`));
			const received: Buffer[] = [];
			const follower = backend.follow(handle, `${job.name}.out`, 0, {
				data: (c) => received.push(c),
				trouble: () => {},
			});
			const end = await waitForEnd(backend, handle);
			await follower.drain();
			follower.close();
			assert.equal(end.exit?.code, 0);
			await backend.retrieve(handle, job);
			const out = readFileSync(join(job.dir, "mgo.out"), "utf8");
			assert.ok(out.length > 0);
			assert.equal(Buffer.concat(received).toString("utf8"), out);
			assert.ok(existsSync(join(job.dir, "mgo.f9")));
			const owner = scontrolField(handle.slurmJobId, "UserId");
			assert.equal(owner, env.TEST_SSH_USER);
		} finally {
			await backend.ssh?.connection.exec(`rm -rf "$HOME"/${tag}`).catch(() => {});
			await backend.close();
		}
	});
});
