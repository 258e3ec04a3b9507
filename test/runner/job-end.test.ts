/**
 * When a local job's end is seen: as its exit record appears in the run folder (the kernel says
 * so), not at the next of the runner's checks; and a job script killed outright, which writes
 * no record, is still found ended by the seldom check of its process group.
 */
import assert from "node:assert/strict";
import { after, test } from "node:test";
import { StateStore } from "../../source/jobs/state-store.js";
import { JobRunner } from "../../source/runner/job-runner.js";
import { LocalBackend } from "../../source/runner/local.js";
import { signalGroup } from "../../source/runner/process-group.js";
import type { JobState } from "../../source/runner/runner.js";
import { deck, eventually, localSpec, mockBin, removeProject, tempProject } from "../helpers/project.js";

const dirs: string[] = [];
const runners: JobRunner[] = [];
after(async () => {
	for (const runner of runners) await runner.detachAll();
	for (const dir of dirs) await removeProject(dir);
});

async function setUp(delay: string, pollMs: number, watchedPollMs: number) {
	const dir = await tempProject({ "mgo.d12": deck("MgO bulk") });
	dirs.push(dir);
	const store = new StateStore(dir);
	const backend = new LocalBackend({ env: { ...process.env, CRYSTAL_MOCK_DELAY: delay } });
	const runner = new JobRunner({ store, backendFor: () => backend, maxJobs: 1, pollMs, watchedPollMs });
	runners.push(runner);
	const states: JobState[] = [];
	runner.on("state", (_id, change) => states.push(change.state));
	return { dir, store, runner, states };
}

test("a local job's end is seen when its exit record appears, not at the runner's next check", async () => {
	// Checks an hour apart: only the exit record's appearance can tell the runner in time.
	const { store, runner, states } = await setUp("0.01", 3_600_000, 3_600_000);
	await runner.start(localSpec(dirs.at(-1) as string, "mgo", { crystalDir: mockBin }));
	await eventually("the job's end", () => states.includes("finished"), 15_000);
	assert.equal(store.get("mgo")?.state, "finished");
	assert.match(store.get("mgo")?.detail ?? "", /E = -?\d/);
});

test("a job script killed outright, with no exit record, is found ended by the seldom check", async () => {
	const { store, runner, states } = await setUp("0.2", 100, 500);
	await runner.start(localSpec(dirs.at(-1) as string, "mgo", { crystalDir: mockBin }));
	const pgid = await eventually("the running job", () => store.get("mgo")?.handle?.pgid ?? undefined);
	assert.equal(store.get("mgo")?.state, "running");
	signalGroup(pgid, "SIGKILL");
	await eventually("the job found ended", () => states.includes("lost"), 15_000);
	assert.match(store.get("mgo")?.detail ?? "", /without an exit record/);
});
