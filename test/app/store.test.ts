import assert from "node:assert/strict";
import { test } from "node:test";
import { CockpitStore } from "../../source/app/store.js";
import { FakeController, numbered } from "./fake-controller.js";

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test("a flood of output reaches React in a few coalesced flushes, not one per line", async () => {
	const controller = new FakeController(["mgo"]);
	const store = new CockpitStore(controller, { maxRate: 20 });
	store.listen();
	let renders = 0;
	store.subscribe(() => renders++);
	controller.state("mgo", "running");
	for (let i = 0; i < 2000; i++) controller.output("mgo", [`line ${i}`]);
	// Until the flush that brings them, however late a loaded machine runs it (a fixed wait can
	// also take in the clock's first tick, a second after the run began).
	while (store.getSnapshot().jobs[0]?.total !== 2000) await tick(5);
	const job = store.getSnapshot().jobs[0];
	assert.equal(job?.total, 2000);
	assert.equal(job?.lines.get(1999), "line 1999");
	assert.ok(renders <= 2, `${renders} renders for 2000 lines`);
	store.close();
});

test("the ring is bounded and numbers lines by their place in the whole log", async () => {
	const controller = new FakeController(["mgo"]);
	const store = new CockpitStore(controller, { capacity: 100 });
	store.listen();
	controller.output("mgo", numbered("l", 0, 1000), true);
	store.flush();
	const job = store.getSnapshot().jobs[0];
	assert.equal(job?.total, 1000);
	assert.equal(job?.lines.first, 900);
	assert.equal(job?.lines.get(950), "l 950");
	store.close();
});

test("unchanged jobs keep their snapshot object, changed ones get a new one", () => {
	const controller = new FakeController(["a", "b"]);
	const store = new CockpitStore(controller);
	store.listen();
	const [a0, b0] = store.getSnapshot().jobs;
	controller.output("a", ["x"]);
	store.flush();
	const [a1, b1] = store.getSnapshot().jobs;
	assert.notEqual(a1, a0);
	assert.equal(b1, b0);
	store.close();
});

test("a new run clears the last run's output and figures", () => {
	const controller = new FakeController(["mgo"], { mgo: "failed" });
	const store = new CockpitStore(controller);
	store.listen();
	controller.output("mgo", ["old run"]);
	controller.progress("mgo", { scfCycle: 3 });
	controller.state("mgo", "queued");
	controller.state("mgo", "starting");
	controller.output("mgo", ["new run"]);
	store.flush();
	const job = store.getSnapshot().jobs[0];
	assert.deepEqual(job?.lines.slice(0, job.total), ["new run"]);
	assert.equal(job?.progress, null);
	assert.ok(job?.startedAt);
	store.close();
});

test("a job that ends off screen is marked and announced; looking at it clears the mark", () => {
	const controller = new FakeController(["a", "b"]);
	const notices: string[] = [];
	const store = new CockpitStore(controller, {
		onNotice: (job, state) => notices.push(`${job.name} ${state}`),
	});
	store.listen();
	store.setVisible(["a"]);
	for (const id of ["a", "b"]) controller.state(id, "running");
	controller.state("a", "finished");
	controller.state("b", "failed", "exit 1");
	store.flush();
	assert.deepEqual(notices, ["b failed"]);
	assert.deepEqual(
		store.getSnapshot().jobs.map((j) => j.unseen),
		[false, true],
	);
	store.setVisible(["b"]);
	store.flush();
	assert.equal(store.getSnapshot().jobs[1]?.unseen, false);
	store.close();
});

test("a run flagged as frozen is announced even on screen, and shows why in its detail", () => {
	const controller = new FakeController(["a"]);
	const notices: string[] = [];
	const store = new CockpitStore(controller, {
		onNotice: (job, state) => notices.push(`${job.name} ${state}`),
	});
	store.listen();
	store.setVisible(["a"]);
	controller.state("a", "running");
	const detail = "frozen? no new output for 31 min 2 s while the job still runs (frozen_minutes 30)";
	controller.runner.emit("state", "a", { state: "running", detail, frozen: true });
	store.flush();
	assert.deepEqual(notices, ["a frozen"]);
	assert.equal(store.getSnapshot().jobs[0]?.detail, detail);
	assert.equal(store.getSnapshot().jobs[0]?.state, "running");
	store.close();
});

test("jobs that ended before the cockpit started show the tail of their log", async () => {
	const controller = new FakeController(["done"], { done: "finished" });
	controller.logs.set("done", numbered("out", 0, 30));
	const store = new CockpitStore(controller, { capacity: 10 });
	await store.loadEndedLogs();
	store.flush();
	const job = store.getSnapshot().jobs[0];
	assert.equal(job?.total, 30);
	assert.equal(job?.lines.first, 20);
	assert.equal(job?.lines.get(29), "out 29");
});

test("SCF and optimisation history are gathered from progress events", () => {
	const controller = new FakeController(["opt"]);
	const store = new CockpitStore(controller);
	store.listen();
	controller.state("opt", "running");
	controller.progress("opt", { scfCycle: 1, energyHartree: -10 });
	controller.progress("opt", { scfCycle: 2, energyHartree: -10.5 });
	controller.progress("opt", { scfCycle: 2, energyHartree: -10.6, optPoint: 1, optEnergyHartree: -10.6 });
	controller.progress("opt", { scfCycle: 1, optPoint: 2, optEnergyHartree: -10.6 });
	controller.progress("opt", { scfCycle: 4, optPoint: 2, optEnergyHartree: -10.7 });
	store.flush();
	const job = store.getSnapshot().jobs[0];
	assert.deepEqual(
		job?.scfHistory.map((p) => p.cycle),
		[1, 2, 1, 4],
	);
	assert.deepEqual(
		job?.optHistory.map((p) => p.energy),
		[-10.6, -10.7],
	);
	store.close();
});

test("output flooding a pane on screen is drawn at the flood rate, a trickle at the output rate", (t) => {
	t.mock.timers.enable({ apis: ["setTimeout", "Date"] });
	const controller = new FakeController(["flood", "quiet"]);
	const store = new CockpitStore(controller, { maxRate: 10, floodRate: 2, now: Date.now });
	store.listen();
	store.setVisible(["flood", "quiet"], 20);
	let renders = 0;
	store.subscribe(() => renders++);
	const run = (ms: number, each: () => void) => {
		for (let at = 0; at < ms; at += 10) {
			each();
			t.mock.timers.tick(10);
		}
	};
	// 100 lines every 10 ms: 10,000 lines a second into a pane of 20 rows.
	run(2000, () => controller.output("flood", numbered("f", 0, 100)));
	assert.ok(renders >= 3 && renders <= 5, `${renders} frames in 2 s of flood at 2 a second`);
	// A line every 10 ms: fewer new lines between frames than the pane shows.
	renders = 0;
	t.mock.timers.tick(1000);
	renders = 0;
	run(2000, () => controller.output("quiet", ["q"]));
	assert.ok(renders >= 15 && renders <= 21, `${renders} frames in 2 s of trickle at 10 a second`);
	// The same flood in a job that is not on screen costs no more than a trickle.
	renders = 0;
	run(2000, () => controller.output("flood", numbered("f", 0, 100)));
	assert.ok(renders >= 3 && renders <= 5, "still on screen: still the flood rate");
	store.setVisible(["quiet"], 20);
	renders = 0;
	run(2000, () => controller.output("flood", numbered("f", 0, 100)));
	assert.ok(renders >= 15 && renders <= 21, `${renders} frames: off screen its lines are only counted`);
	store.close();
});

test("a run's clock ticks each second in its first minute, then each minute; an ended run's never", (t) => {
	t.mock.timers.enable({ apis: ["setTimeout", "Date"] });
	const controller = new FakeController(["long", "done"]);
	const store = new CockpitStore(controller, { now: Date.now });
	store.listen();
	let frames = 0;
	store.subscribe(() => frames++);
	const wait = (ms: number) => {
		for (let at = 0; at < ms; at += 100) t.mock.timers.tick(100);
	};
	controller.state("long", "running");
	controller.state("done", "running");
	controller.state("done", "finished");
	wait(100);
	frames = 0;
	wait(10_000);
	assert.ok(frames >= 9 && frames <= 11, `${frames} frames in 10 s of the first minute`);
	wait(110_000);
	frames = 0;
	// Minutes 2 to 4 of a run that prints nothing: a frame when its time reads 3m, and 4m.
	wait(120_000);
	assert.ok(frames >= 1 && frames <= 3, `${frames} frames in two quiet minutes`);
	store.close();
});
