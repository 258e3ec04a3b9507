/**
 * What crystal-tui reads from SLURM's answers (squeue, scontrol, sacct) and writes into an
 * sbatch script, without a cluster: the text formats of SLURM 22.05 as printed by the real tools.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ClusterConfig } from "../../source/config/load.js";
import { LaunchError } from "../../source/runner/runner.js";
import { resourcesFor, sbatchHeader, slurmJobName } from "../../source/runner/slurm/header.js";
import {
	expandOutputPattern,
	parseSacct,
	parseScontrol,
	parseSqueue,
} from "../../source/runner/slurm/queue.js";
import { slurmState } from "../../source/runner/slurm/states.js";

const cluster: ClusterConfig = {
	name: "hpc",
	file: "crystal-tui.toml",
	partition: "compute",
	account: "chem",
	time: "2:00:00",
	memory: "8G",
	modules: [],
	env: {},
	pollIntervalSeconds: 30,
	mpiLauncher: "srun",
};

describe("slurm states", () => {
	it("maps every state to waiting, running, ending or ended", () => {
		const cases: Array<[string, string, string]> = [
			["PENDING", "waiting", "PENDING (Resources)"],
			["REQUEUED", "waiting", "REQUEUED: back in the queue"],
			["RUNNING", "running", "RUNNING"],
			["SUSPENDED", "running", "SUSPENDED by SLURM"],
			["COMPLETING", "ending", "COMPLETING"],
			["COMPLETED", "ended", "COMPLETED"],
			["FAILED", "ended", "FAILED (Resources)"],
			["CANCELLED by 1000", "ended", "cancelled"],
			["TIMEOUT", "ended", "TIMEOUT: the time limit was reached"],
			["OUT_OF_MEMORY", "ended", "OUT_OF_MEMORY: the job used more memory than it asked for"],
			["NODE_FAIL", "ended", "NODE_FAIL: a node of the job failed"],
			["PREEMPTED", "ended", "PREEMPTED by a higher-priority job"],
		];
		for (const [state, phase, text] of cases) {
			const info = slurmState(state, "Resources");
			assert.equal(info.phase, phase, state);
			assert.equal(info.text, text, state);
		}
	});

	it("does not call an unknown state ended", () => {
		assert.equal(slurmState("FUTURE_STATE").phase, "running");
		assert.match(slurmState("FUTURE_STATE").text, /not known to crystal-tui/);
	});
});

describe("slurm answers", () => {
	it("reads squeue -O lines, job names with the separator included", () => {
		const jobs = parseSqueue(
			"12|RUNNING|None|alice|1:02|node7|compute|/home/alice/p|/home/alice/p/slurm-%j.out|opt|geom\n" +
				"13|PENDING|Dependency|alice|0:00||compute|/home/alice/q|out-%x-%5j.txt|freq\n",
		);
		assert.equal(jobs.length, 2);
		assert.equal(jobs[0]?.name, "opt|geom");
		assert.equal(jobs[0]?.stdout, "/home/alice/p/slurm-12.out");
		assert.equal(jobs[1]?.reason, "Dependency");
		assert.equal(jobs[1]?.stdout, "/home/alice/q/out-freq-00013.txt");
	});

	it("expands sbatch's output patterns", () => {
		assert.equal(expandOutputPattern("", "5", "n", "u", "/w"), "/w/slurm-5.out");
		assert.equal(expandOutputPattern("/abs/%u/%x.%j.%%", "5", "n", "bob", "/w"), "/abs/bob/n.5.%");
		assert.equal(expandOutputPattern("a-%A_%a.out", "7_3", "n", "u", "/w"), "/w/a-7_3.out");
	});

	it("reads scontrol show job -o, values with spaces included", () => {
		const [job] = parseScontrol(
			"JobId=2 JobName=te st UserId=root(0) GroupId=root(0) JobState=FAILED Reason=NonZeroExitCode ExitCode=3:0 RunTime=00:00:01 Partition=debug NodeList=vm WorkDir=/tmp/a b StdErr=/tmp/a b/o.out StdIn=/dev/null StdOut=/tmp/a b/o.out Power=",
		);
		assert.equal(job?.name, "te st");
		assert.equal(job?.user, "root");
		assert.equal(job?.state, "FAILED");
		assert.equal(job?.exitCode, "3:0");
		assert.equal(job?.workDir, "/tmp/a b");
		assert.equal(job?.stdout, "/tmp/a b/o.out");
	});

	it("reads sacct -P lines", () => {
		const [job] = parseSacct("41|OUT_OF_MEMORY|0:125|big run\n");
		assert.equal(job?.state, "OUT_OF_MEMORY");
		assert.equal(job?.exitCode, "0:125");
		assert.equal(job?.name, "big run");
	});
});

describe("sbatch header", () => {
	const job = {
		id: "a/b",
		name: "b",
		dir: "/p/a",
		runner: "slurm" as const,
		parallelism: { ranks: 8, threads: 2 },
	};

	it("takes the cluster's defaults, the job's options over them, and tasks from the parallelism", () => {
		const lines = sbatchHeader(resourcesFor({ ...job, options: { time: "30:00", qos: "short" } }, cluster));
		assert.deepEqual(lines, [
			"#SBATCH --partition=compute",
			"#SBATCH --account=chem",
			"#SBATCH --qos=short",
			"#SBATCH --time=30:00",
			"#SBATCH --mem=8G",
			"#SBATCH --ntasks=8",
			"#SBATCH --cpus-per-task=2",
		]);
	});

	it("refuses a value that would smuggle a directive or a command, naming where it came from", () => {
		for (const [key, value] of [
			["partition", "compute\n#SBATCH --uid=0"],
			["account", "a b"],
			["time", "1:00; rm -rf ~"],
			["memory", "$(id)"],
			["nodes", "two"],
		] as const) {
			assert.throws(
				() => resourcesFor({ ...job, options: { [key]: value } }, cluster),
				(e: unknown) => e instanceof LaunchError && e.message.startsWith(`options of a/b: ${key}: expected`),
				key,
			);
		}
		assert.throws(
			() => resourcesFor(job, { ...cluster, qos: "x y" }),
			/\[clusters\.hpc\] of crystal-tui\.toml: qos: expected/,
		);
	});

	it("gives SLURM a job name made of safe characters", () => {
		assert.equal(slurmJobName("mgo-opt.1"), "mgo-opt.1");
		assert.equal(slurmJobName("a'b $(x)\n`y`"), "a_b___x___y_");
	});
});
