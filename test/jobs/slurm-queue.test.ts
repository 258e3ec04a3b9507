/**
 * The queue view's controller side against the real single-node SLURM cluster on loopback:
 * jobs submitted with plain `sbatch` (not by crystal-tui) are listed and, once adopted, followed
 * as panes: their output arrives through the runner's events and their end is SLURM's word.
 * A job another crystal-tui submitted is adopted by its NAME.out. Stop on an adopted job is
 * scancel. Without a configured cluster the queue says so.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ClusterConfig, Config } from "../../source/config/load.js";
import type { Progress } from "../../source/crystal/result.js";
import { JobLogs } from "../../source/jobs/job-logs.js";
import type { Project } from "../../source/jobs/project.js";
import type { JobResult, JobState } from "../../source/runner/runner.js";
import { LaunchError } from "../../source/runner/runner.js";
import { shellQuote as q } from "../../source/runner/shell-quote.js";
import { hostedProject } from "../helpers/hosted.js";
import {
	atEnd,
	copyMockCrystal,
	describe,
	it,
	loopbackCluster,
	loopbackHost,
	loopbackSlurm,
	loopbackSshd,
	requireOrSkip,
	scontrolField,
	sharedTempDir,
	waitFor,
} from "../helpers/infra.js";
import { deck, repoRoot } from "../helpers/project.js";

const env = process.env;
const skip = requireOrSkip(loopbackSlurm);
const skipSsh = skip || requireOrSkip(loopbackSshd);
const mgoScf = join(repoRoot, "fixtures", "outputs", "mgo-scf.out");

function configWith(cluster: ClusterConfig | null): Config {
	return { defaults: {}, hosts: {}, clusters: cluster ? { [cluster.name]: cluster } : {}, files: [] };
}

const loopback = (overrides: Partial<ClusterConfig> = {}): ClusterConfig =>
	loopbackCluster({ file: "crystal-tui.toml", ...overrides });

/** Everything the runner told about one job. */
interface Seen {
	lines: string[];
	progress: Progress[];
	states: { state: JobState; detail?: string }[];
	result: JobResult | null;
}

function watch(project: Project): Map<string, Seen> {
	const seen = new Map<string, Seen>();
	const of = (id: string): Seen => {
		let s = seen.get(id);
		if (!s) {
			s = { lines: [], progress: [], states: [], result: null };
			seen.set(id, s);
		}
		return s;
	};
	project.runner.on("output", (id, batch) => {
		if (!batch.replay) of(id).lines.push(...batch.lines);
	});
	project.runner.on("progress", (id, p) => of(id).progress.push(p));
	project.runner.on("state", (id, change) => of(id).states.push(change));
	project.runner.on("result", (id, r) => {
		of(id).result = r;
	});
	project.runner.on("error", () => {});
	return seen;
}

async function openProject(cluster: ClusterConfig | null, flags = {}): Promise<Project> {
	const dir = sharedTempDir("ctq-");
	const { project } = await hostedProject(dir, configWith(cluster), flags);
	atEnd(() => void project.detach().catch(() => {}));
	return project;
}

/** A job submitted with plain sbatch, as a user would outside crystal-tui. */
function sbatch(dir: string, name: string, script: string, output: string): string {
	const path = join(dir, `${name}.sh`);
	writeFileSync(path, `#!/bin/sh\n${script}\n`);
	const id = execFileSync(
		"sbatch",
		["--parsable", `--partition=${env.TEST_SLURM_PARTITION}`, "-J", name, "-o", output, path],
		{ cwd: dir, encoding: "utf8" },
	)
		.trim()
		.split(";")[0] as string;
	atEnd(() => {
		try {
			execFileSync("scancel", [id]);
		} catch {}
	});
	return id;
}

const fileLines = (path: string) => readFileSync(path, "utf8").replace(/\n$/, "").split("\n");

describe("the SLURM queue seen from a project", { skip }, () => {
	it("lists a job submitted with plain sbatch, adopts it as a pane, and follows its CRYSTAL output to COMPLETED", {
		timeout: 120_000,
	}, async () => {
		const project = await openProject(loopback());
		const seen = watch(project);
		const jobDir = sharedTempDir("ctforeign-");
		// A CRYSTAL output replayed in three bursts, the first after adoption has had its chance.
		const id = sbatch(
			jobDir,
			"mgo replay",
			`sleep 3; head -n 100 ${q(mgoScf)}; sleep 2; sed -n '101,250p' ${q(mgoScf)}; sleep 2; tail -n +251 ${q(mgoScf)}`,
			"replay-%j.log",
		);
		const listing = await waitFor("the job in the queue", async () => {
			const l = await project.queue();
			return l.jobs.some((j) => j.slurmJobId === id) ? l : null;
		});
		assert.deepEqual(
			listing.clusters.map((c) => [c.name, c.error]),
			[["loopback", null]],
		);
		assert.ok((listing.clusters[0]?.syncedAt ?? 0) > Date.now() - 60_000, "says when it synced");
		assert.equal(listing.refreshSeconds, 1);
		const row = listing.jobs.find((j) => j.slurmJobId === id);
		assert.equal(row?.name, "mgo replay");
		assert.equal(row?.cluster, "loopback");
		assert.equal(row?.workDir, jobDir);
		assert.equal(row?.fromCrystalTui, false);
		assert.equal(row?.followedAs, null);
		assert.equal(row?.active, true);
		assert.match(row?.stateText ?? "", /^(PENDING|RUNNING)/);

		const jobId = await project.adopt("loopback", id);
		assert.equal(jobId, `slurm/loopback/${id}`);
		const pane = project.jobs().find((j) => j.spec.id === jobId);
		assert.equal(pane?.spec.name, "mgo replay");
		assert.equal(pane?.spec.runner, "slurm");
		assert.equal(pane?.deckPath, join(jobDir, `replay-${id}.log`));
		const again = await project.queue();
		assert.equal(again.jobs.find((j) => j.slurmJobId === id)?.followedAs, jobId, "marked as followed");
		assert.equal(await project.adopt("loopback", id), jobId, "adopting twice gives the same pane");

		const s = await waitFor("the result", () => seen.get(jobId)?.result && seen.get(jobId), 90_000);
		assert.deepEqual(s.lines, fileLines(mgoScf), "every line of the output, once, in order");
		assert.ok(
			s.progress.some((p) => p.scfCycle !== null),
			"SCF progress came while it ran",
		);
		assert.equal(s.result?.success, true);
		assert.equal(s.result?.exitCode, 0);
		assert.notEqual(s.result?.finalEnergyHartree, null);
		assert.equal(s.states.at(-1)?.state, "finished");
		assert.equal(project.jobs().find((j) => j.spec.id === jobId)?.state, "finished");
		const record = project.store.get(jobId);
		const log = await new JobLogs().read(record?.handle?.outputPath ?? "", 0, 5);
		assert.equal(log.total, fileLines(mgoScf).length, "the zoomed view reads the adopted file");
		await assert.rejects(project.restart(jobId), /adopted from the SLURM queue: .* cannot start it again/);
	});

	it("ends an adopted job that FAILED with SLURM's exit code, even when it is not CRYSTAL output", {
		timeout: 90_000,
	}, async () => {
		const project = await openProject(loopback());
		const seen = watch(project);
		const jobDir = sharedTempDir("ctfail-");
		const id = sbatch(jobDir, "broken", "sleep 2; echo 'preparing'; sleep 1; exit 3", "broken.log");
		const jobId = await project.adopt("loopback", id);
		const s = await waitFor("the result", () => seen.get(jobId)?.result && seen.get(jobId));
		assert.deepEqual(s.lines, ["preparing"]);
		assert.equal(s.result?.exitCode, 3);
		assert.equal(s.states.at(-1)?.state, "failed");
		assert.match(s.states.at(-1)?.detail ?? "", /^FAILED.*exit 3:0/);
		assert.doesNotMatch(s.states.at(-1)?.detail ?? "", /vanished|no exit record/);
	});

	it("says a non-CRYSTAL job that COMPLETED with exit 0 finished", { timeout: 90_000 }, async () => {
		const project = await openProject(loopback());
		const seen = watch(project);
		const id = sbatch(sharedTempDir("ctok-"), "post", "sleep 1; echo 'all done'", "post.log");
		const jobId = await project.adopt("loopback", id);
		const s = await waitFor("the result", () => seen.get(jobId)?.result && seen.get(jobId));
		assert.equal(s.states.at(-1)?.state, "finished");
		assert.equal(s.result?.exitCode, 0);
	});

	it("stops an adopted job with scancel", { timeout: 90_000 }, async () => {
		const project = await openProject(loopback());
		const seen = watch(project);
		const id = sbatch(sharedTempDir("ctstop-"), "long", "echo started; sleep 300", "long.log");
		const jobId = await project.adopt("loopback", id);
		await waitFor("the first line", () => (seen.get(jobId)?.lines.length ?? 0) > 0);
		await project.stop(jobId);
		const s = await waitFor("the end", () => seen.get(jobId)?.result && seen.get(jobId));
		assert.equal(s.states.at(-1)?.state, "cancelled");
		await waitFor("scontrol to say CANCELLED", () => scontrolField(id, "JobState") === "CANCELLED");
	});

	it("adopts a job another crystal-tui submitted by its NAME.out and exit record", {
		timeout: 120_000,
	}, async () => {
		const binDir = copyMockCrystal(join(sharedTempDir("ctbin-"), "bin"));
		const cluster = loopback({ crystalDir: binDir, env: { CRYSTAL_MOCK_DELAY: "0.1" } });
		const submitter = await openProject(cluster, { runner: "slurm", host: "loopback" });
		const jobDir = join(submitter.projectDir, "scf");
		mkdirSync(jobDir);
		writeFileSync(join(jobDir, "mgo.d12"), deck("MgO adopted"));
		await submitter.rescan();
		await submitter.start("scf/mgo");
		const slurmJobId = await waitFor(
			"the submission",
			() => submitter.store.get("scf/mgo")?.handle?.slurmJobId,
		);
		const submitterRow = (await submitter.queue()).jobs.find((j) => j.slurmJobId === slurmJobId);
		assert.equal(submitterRow?.followedAs, "scf/mgo", "its own pane follows it");
		await submitter.detach();

		const other = await openProject(cluster);
		const seen = watch(other);
		const row = (await other.queue()).jobs.find((j) => j.slurmJobId === slurmJobId);
		assert.equal(row?.fromCrystalTui, true);
		assert.equal(row?.followedAs, null);
		const jobId = await other.adopt("loopback", slurmJobId);
		assert.equal(other.jobs().find((j) => j.spec.id === jobId)?.spec.name, "mgo");
		const handle = other.store.get(jobId)?.handle;
		assert.equal(handle?.outputPath, join(jobDir, "mgo.out"));
		assert.equal(handle?.runDir, join(jobDir, ".crystal-tui", "runs", "mgo"), "its exit record is read");
		const s = await waitFor("the result", () => seen.get(jobId)?.result && seen.get(jobId));
		assert.deepEqual(s.lines, fileLines(join(jobDir, "mgo.out")));
		assert.equal(s.result?.exitCode, 0);
		assert.equal(s.states.at(-1)?.state, "finished");
		assert.doesNotMatch(s.states.at(-1)?.detail ?? "", /no exit record/);
	});

	it("refuses to adopt a job SLURM does not know, or a made-up id", async () => {
		const project = await openProject(loopback());
		await assert.rejects(
			project.adopt("loopback", "99999999"),
			(e: unknown) =>
				e instanceof LaunchError && /SLURM job 99999999 is not known on cluster loopback/.test(e.message),
		);
		await assert.rejects(project.adopt("loopback", "1; touch PWNED"), /is not a SLURM job id/);
	});
});

describe("the SLURM queue of a cluster reached over ssh", { skip: skipSsh }, () => {
	it("lists the remote user's job and follows its output file there", { timeout: 120_000 }, async () => {
		const tag = `ct-queue-${process.pid}`;
		const host = loopbackHost({ name: "login", file: "crystal-tui.toml", remoteRoot: tag });
		const dir = sharedTempDir("ctqr-");
		const config: Config = {
			defaults: {},
			hosts: { login: host },
			clusters: { far: loopback({ name: "far", host: "login" }) },
			files: [],
		};
		const { project, backends } = await hostedProject(dir, config);
		const seen = watch(project);
		// The very backend the project's queue and adopted panes go through.
		const backend = backends.slurm("far", config, dir);
		assert.ok(backend?.ssh, "a cluster behind a host is asked over ssh");
		try {
			const script = "#!/bin/sh\nsleep 2; echo 'remote one'; sleep 1; echo 'remote two'\n";
			const id = (
				await backend.machine.exec(
					`mkdir -p "$HOME"/${tag} && cd "$HOME"/${tag} && cat > job.sh && sbatch --parsable --partition=${q(env.TEST_SLURM_PARTITION ?? "")} -J remote -o 'remote-%j.log' job.sh`,
					{ input: script },
					"sbatch",
				)
			)
				.trim()
				.split(";")[0] as string;
			const row = await waitFor("the remote job in the queue", async () =>
				(await project.queue()).jobs.find((j) => j.slurmJobId === id),
			);
			assert.equal(row.cluster, "far");
			assert.equal(row.name, "remote");
			const jobId = await project.adopt("far", id);
			const s = await waitFor("the result", () => seen.get(jobId)?.result && seen.get(jobId));
			assert.deepEqual(s.lines, ["remote one", "remote two"]);
			assert.equal(s.states.at(-1)?.state, "finished");
			const owner = scontrolField(id, "UserId");
			assert.equal(owner, env.TEST_SSH_USER, "the job is the remote user's");
		} finally {
			await backend.machine.run(`rm -rf "$HOME"/${tag}`).catch(() => {});
			await project.detach();
		}
	});
});

describe("the SLURM queue without a configured cluster", () => {
	it("lists no cluster, and adoption names what is missing", async () => {
		const project = await openProject(null);
		const listing = await project.queue();
		assert.deepEqual(listing.clusters, []);
		assert.deepEqual(listing.jobs, []);
		await assert.rejects(
			project.adopt("hpc", "12"),
			(e: unknown) =>
				e instanceof LaunchError && /no \[clusters\.hpc\].*known clusters: none/.test(e.message),
		);
	});
});
