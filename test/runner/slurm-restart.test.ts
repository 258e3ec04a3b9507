/**
 * crystal-tui quits while its SLURM jobs run (queued behind each other with afterok), and a new
 * crystal-tui on the same project re-attaches from the state store: the jobs finish, and the
 * output lines the two saw, put together, are each job's NAME.out once, in order.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { ClusterConfig } from "../../source/config/load.js";
import { StateStore } from "../../source/jobs/state-store.js";
import { JobRunner } from "../../source/runner/job-runner.js";
import type { JobResult, JobSpec } from "../../source/runner/runner.js";
import { SlurmBackend } from "../../source/runner/slurm.js";
import {
	copyMockCrystal,
	describe,
	it,
	loopbackCluster,
	loopbackJob,
	loopbackSlurm,
	requireOrSkip,
	sharedTempDir,
} from "../helpers/infra.js";
import { eventually } from "../helpers/project.js";

const skip = requireOrSkip(loopbackSlurm);

interface Session {
	runner: JobRunner;
	lines: Map<string, string[]>;
	results: Map<string, JobResult>;
	close(): Promise<void>;
}

/** One crystal-tui: its own store handle, backend and runner on the project. */
function session(projectDir: string, cluster: ClusterConfig): Session {
	const store = new StateStore(projectDir);
	const backend = new SlurmBackend({ cluster, projectDir, followIntervalMs: 100 });
	const runner = new JobRunner({ store, backendFor: () => backend, maxJobs: 4, pollMs: 300 });
	const lines = new Map<string, string[]>();
	const results = new Map<string, JobResult>();
	// Like a plain-output client: what it has shown it acknowledges, so that a later one that
	// re-attaches gets those lines flagged as replay.
	runner.on("output", (id, batch) => {
		if (batch.replay) return;
		lines.set(id, [...(lines.get(id) ?? []), ...batch.lines]);
		store.setOffset(id, batch.offset);
	});
	runner.on("result", (id, result) => results.set(id, result));
	runner.on("error", () => {});
	return {
		runner,
		lines,
		results,
		async close() {
			await runner.detachAll();
			await backend.close();
			store.close();
		},
	};
}

describe("crystal-tui restarted while SLURM jobs run", { skip }, () => {
	it("re-attaches to every job from the state store without losing or repeating a line", {
		timeout: 180_000,
	}, async () => {
		const projectDir = sharedTempDir("ctsrs-");
		const binDir = copyMockCrystal(join(projectDir, ".bin"));
		const cluster = loopbackCluster({ env: { CRYSTAL_MOCK_DELAY: "0.1" }, crystalDir: binDir });
		const jobs: JobSpec[] = ["opt", "freq"].map((name) =>
			loopbackJob(projectDir, name, name, { runner: "slurm", title: `MgO ${name}` }),
		);
		const [opt, freq] = jobs as [JobSpec, JobSpec];
		freq.dependsOn = [opt.id];

		const first = session(projectDir, cluster);
		await first.runner.start(opt);
		await first.runner.start(freq);
		await eventually("output of the first job", () => (first.lines.get(opt.id)?.length ?? 0) > 3, 90_000);
		await first.close();

		const second = session(projectDir, cluster);
		assert.equal(await second.runner.attach(opt.id), true);
		assert.equal(await second.runner.attach(freq.id), true);
		await eventually("both results", () => second.results.size === 2, 150_000);
		await second.close();

		for (const job of jobs) {
			const out = readFileSync(join(job.dir, `${job.name}.out`), "utf8")
				.replace(/\n$/, "")
				.split("\n");
			const seen = [...(first.lines.get(job.id) ?? []), ...(second.lines.get(job.id) ?? [])];
			assert.deepEqual(seen, out, `${job.name}: every line once, in order`);
			assert.equal(second.results.get(job.id)?.exitCode, 0, job.name);
		}
	});
});
