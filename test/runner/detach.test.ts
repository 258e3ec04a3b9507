/**
 * Quitting while a job is being launched: the launch is seen through and recorded before
 * crystal-tui lets go, so the next start finds the job; nothing else is launched from the
 * queue; and a failure with nobody listening any more does not kill the process.
 */
import assert from "node:assert/strict";
import { after, test } from "node:test";
import type { DeckInfo } from "../../source/crystal/deck.js";
import { StateStore } from "../../source/jobs/state-store.js";
import type { JobHandle } from "../../source/runner/backend.js";
import { JobRunner } from "../../source/runner/job-runner.js";
import { LocalBackend } from "../../source/runner/local.js";
import { signalGroup } from "../../source/runner/process-group.js";
import { type JobSpec, LaunchError } from "../../source/runner/runner.js";
import {
	deck,
	eventually,
	groupMembers,
	localSpec,
	mockBin,
	removeProject,
	tempProject,
} from "../helpers/project.js";

/** A local backend whose launches wait for `open()`: the moment the user quits is ours. */
class GatedBackend extends LocalBackend {
	private release = () => {};
	private readonly gate = new Promise<void>((resolve) => {
		this.release = resolve;
	});
	launches = 0;
	/** Thrown by the launch once the gate opens. */
	failure: Error | null = null;
	open(): void {
		this.release();
	}
	override async launch(job: JobSpec, info: DeckInfo): Promise<JobHandle> {
		this.launches++;
		await this.gate;
		if (this.failure) throw this.failure;
		return super.launch(job, info);
	}
}

const dirs: string[] = [];
after(async () => {
	for (const dir of dirs) await removeProject(dir);
});

test("quitting during a launch waits for it and records the job; the queue launches no more", async () => {
	const dir = await tempProject({ "mgo.d12": deck("MgO bulk"), "si.d12": deck("Si bulk") });
	dirs.push(dir);
	const store = new StateStore(dir);
	const backend = new GatedBackend({
		crystalDir: mockBin,
		env: { ...process.env, CRYSTAL_MOCK_DELAY: "0.05" },
	});
	const runner = new JobRunner({ store, backendFor: () => backend, maxJobs: 1, pollMs: 100 });
	// The cockpit listened, and has quit: nobody listens to errors any more.
	await runner.start(localSpec(dir, "mgo"));
	await runner.start(localSpec(dir, "si"));
	await eventually("the launch under way", () => backend.launches === 1);
	const left = runner.detachAll();
	backend.open();
	await left;

	const record = store.get("mgo");
	assert.equal(record?.state, "running", "recorded with its handle before letting go");
	assert.ok(record?.handle?.pgid);
	assert.ok((await groupMembers(record.handle.pgid)).length > 0, "and it runs");
	assert.equal(store.get("si")?.state, "queued", "the next in line stays queued for the next start");
	assert.equal(backend.launches, 1);
	signalGroup(record.handle.pgid, "SIGKILL");
	store.close();
});

test("a launch that fails after the cockpit has quit is recorded, and the process lives on", async () => {
	const dir = await tempProject({ "mgo.d12": deck("MgO bulk") });
	dirs.push(dir);
	const store = new StateStore(dir);
	const backend = new GatedBackend({ crystalDir: mockBin });
	backend.failure = new LaunchError("remote disk full on hpc: only 12 kB free");
	const runner = new JobRunner({ store, backendFor: () => backend, maxJobs: 1 });
	await runner.start(localSpec(dir, "mgo"));
	await eventually("the launch under way", () => backend.launches === 1);
	const left = runner.detachAll();
	backend.open();
	await left;
	assert.equal(store.get("mgo")?.state, "failed");
	assert.match(store.get("mgo")?.detail ?? "", /could not start: remote disk full/);
	store.close();
});
