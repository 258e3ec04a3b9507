/**
 * What a pane's title band says about a dropped SSH connection: the runner reports the drop as
 * the job's detail and, once the connection is back and output flows again, says it no longer.
 * Real JobRunner, SshBackend and state store against the loopback sshd.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { StateStore } from "../../source/jobs/state-store.js";
import { JobRunner } from "../../source/runner/job-runner.js";
import type { StateChange } from "../../source/runner/runner.js";
import { SshBackend } from "../../source/runner/ssh.js";
import {
	atEnd,
	controlSocketDir,
	describe,
	it,
	loopbackHost,
	loopbackJob,
	loopbackSshArgs,
	loopbackSshd,
	requireOrSkip,
	tempDir,
	uploadMockCrystal,
	waitFor,
} from "../helpers/infra.js";

const env = process.env;
const tag = `${process.pid}-${Date.now().toString(36)}`;

describe("a dropped SSH connection in the job's detail", { skip: requireOrSkip(loopbackSshd) }, () => {
	it("says 'connection lost' while it is, and stops saying it once the output flows again", async () => {
		const projectDir = join(tempDir("ctr-"), "project");
		mkdirSync(projectDir);
		const backend = new SshBackend({
			host: loopbackHost({
				name: "loopback",
				file: "test",
				remoteRoot: `ct-rc-${tag}`,
				crystalDir: `ct-rc-${tag}/bin`,
				env: { CRYSTAL_MOCK_DELAY: "0.05" },
			}),
			projectDir,
			connection: { controlDir: controlSocketDir() },
			follow: { backoffMs: { first: 200, max: 500 } },
		});
		const home = await backend.remoteHome();
		await uploadMockCrystal(backend.connection, `${home}/ct-rc-${tag}/bin`);
		atEnd(() => {
			spawnSync("ssh", [...loopbackSshArgs(), `rm -rf ${home}/ct-rc-${tag}`]);
		});
		const store = new StateStore(projectDir);
		const runner = new JobRunner({ store, backendFor: () => backend, maxJobs: 1, pollMs: 200 });
		atEnd(() => {
			store.close();
			void backend.close();
		});
		const job = loopbackJob(projectDir, "drop", "drop", { runner: "ssh" });
		const states: StateChange[] = [];
		let lines = 0;
		runner.on("state", (_id, change) => states.push(change));
		runner.on("output", (_id, batch) => {
			lines += batch.lines.length;
		});
		await runner.start(job);
		await waitFor("some output", () => lines > 10);
		const check = spawnSync(
			"ssh",
			[...loopbackSshArgs(backend.connection.controlDir), "-O", "check", "--", env.TEST_SSH_HOST ?? ""],
			{ encoding: "utf8" },
		);
		process.kill(Number(/pid=(\d+)/.exec(check.stderr)?.[1]), "SIGKILL");
		await waitFor("the end", () => states.some((s) => s.state === "finished" || s.state === "failed"));
		const lost = states.findIndex((s) => /connection to loopback lost/.test(s.detail ?? ""));
		assert.ok(lost >= 0, JSON.stringify(states));
		const after = states.slice(lost + 1);
		const cleared = after.findIndex((s) => s.state === "running" && !s.detail);
		assert.ok(cleared >= 0, `the band still says the connection is lost: ${JSON.stringify(after)}`);
		assert.ok(
			after.slice(cleared).every((s) => !/lost/.test(s.detail ?? "")),
			"not said again once the connection is back",
		);
	});
});
