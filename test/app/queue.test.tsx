/**
 * The SLURM queue view: Q from the grid lists the user's SLURM jobs (the fake controller's
 * listing), j/k move, a or Enter adopts the selected job as a pane, Esc goes back; the list is
 * asked for again at the configured interval while open, and says when no cluster is set up.
 * The keys that order the supervisor's queue (+ - H P) and the every-project view (W).
 */
import "./force-color.js";
import assert from "node:assert/strict";
import { afterEach, test } from "node:test";
import { render } from "ink-testing-library";
import { QueueView } from "../../source/app/components/QueueView.js";
import { helpLines } from "../../source/app/help-lines.js";
import type { QueueJob, QueueListing } from "../../source/jobs/controller.js";
import { FakeController } from "./fake-controller.js";
import { renderCockpit, type Screen, tick } from "./harness.js";

let screen: Screen | null = null;
afterEach(() => {
	screen?.unmount();
	screen = null;
});

function row(overrides: Partial<QueueJob>): QueueJob {
	return {
		cluster: "hpc",
		slurmJobId: "100",
		name: "job",
		state: "RUNNING",
		stateText: "RUNNING",
		active: true,
		timeUsed: "1:02:03",
		nodes: "node17",
		partition: "compute",
		workDir: "/scratch/u/job",
		fromCrystalTui: false,
		followedAs: null,
		...overrides,
	};
}

const syncedAt = new Date(2024, 5, 5, 10, 21, 44).getTime();

function listing(jobs: QueueJob[], refreshSeconds = 30): QueueListing {
	return { clusters: [{ name: "hpc", syncedAt, error: null }], jobs, refreshSeconds };
}

const jobs = [
	row({ slurmJobId: "4711", name: "mgo-opt", timeUsed: "2:15:00", nodes: "node[01-02]" }),
	row({
		slurmJobId: "4712",
		name: "quartz-freq",
		state: "PENDING",
		stateText: "PENDING (Resources)",
		timeUsed: "0:00",
		nodes: "",
	}),
	row({ slurmJobId: "4700", name: "old-scf", fromCrystalTui: true, followedAs: "scf/old-scf" }),
];

/** The row of a SLURM job id in the frame. */
const line = (frame: string, id: string) => frame.split("\n").find((l) => l.includes(` ${id} `)) ?? "";

test("Q lists the user's SLURM jobs with state and reason, time, nodes, partition and followed", async () => {
	const c = new FakeController(["mgo"]);
	c.listing = listing(jobs);
	screen = await renderCockpit(c, { columns: 120, rows: 20 });
	await screen.press("Q");
	const frame = await screen.waitFor("quartz-freq");
	assert.match(frame, /SLURM queue · hpc synced 10:21:44 · 3 jobs/);
	assert.match(frame, /JOBID\s+NAME\s+STATE\s+TIME\s+NODES\s+PARTITION\s+FOLLOWED/);
	assert.match(line(frame, "4711"), /▸ 4711\s+mgo-opt\s+RUNNING\s+2:15:00\s+node\[01-02\]\s+compute\s+no/);
	assert.match(line(frame, "4712"), /quartz-freq\s+PENDING \(Resources\)\s+0:00\s+compute\s+no/);
	assert.match(line(frame, "4700"), /old-scf .*yes/);
	assert.match(frame, /j\/k move · a\/Enter adopt as a pane · Esc\/q close/);
	assert.doesNotMatch(frame, /mgo local/, "the grid is not drawn under the queue");
	assert.equal(c.queueCalls, 1, "asked once on opening");
});

test("j moves to a job and a adopts it: the controller is asked, the pane appears in the grid", async () => {
	const c = new FakeController(["mgo"]);
	c.listing = listing(jobs);
	screen = await renderCockpit(c, { columns: 120, rows: 20 });
	await screen.press("Q");
	await screen.waitFor("quartz-freq");
	await screen.press("j");
	assert.match(line(screen.frame(), "4712"), /^│?▸ 4712/);
	await screen.press("a");
	let frame = await screen.waitFor("following SLURM job 4712");
	assert.deepEqual(c.calls, ["adopt hpc 4712"]);
	frame = await screen.waitFor(/4712 .*yes/);
	assert.match(frame, /as a pane: slurm\/hpc\/4712/);
	await screen.press("\u001b");
	frame = await screen.waitFor("quartz-freq slurm@hpc");
	assert.match(frame, /mgo local/);
});

test("Enter on a job already followed says so and adopts nothing; k stops at the top", async () => {
	const c = new FakeController(["mgo"]);
	c.listing = listing(jobs);
	screen = await renderCockpit(c, { columns: 120, rows: 20 });
	await screen.press("Q");
	await screen.waitFor("old-scf");
	await screen.press("jjjj");
	assert.match(line(screen.frame(), "4700"), /▸ 4700/, "the cursor stops at the last row");
	await screen.press("\r");
	await screen.waitFor("old-scf is already a pane (scf/old-scf)");
	await screen.press("kkkkk");
	assert.match(line(screen.frame(), "4711"), /▸ 4711/);
	assert.deepEqual(c.calls, []);
});

test("an adoption the controller refuses is reported in the footer", async () => {
	const c = new FakeController(["mgo"]);
	c.listing = listing([row({ slurmJobId: "5", name: "ghost" })]);
	c.adopt = async () => {
		throw new Error("SLURM job 5 is not known on cluster hpc (it may have left the queue)");
	};
	screen = await renderCockpit(c, { columns: 120, rows: 20 });
	await screen.press("Q");
	await screen.waitFor("ghost");
	await screen.press("a");
	await screen.waitFor("cannot adopt ghost: SLURM job 5 is not known on cluster hpc");
});

test("while open the list is asked for again at the configured interval, and not once closed", async () => {
	const c = new FakeController(["mgo"]);
	c.listing = listing([row({ slurmJobId: "7", name: "slow" })], 1);
	screen = await renderCockpit(c, { columns: 120, rows: 20 });
	await screen.press("Q");
	await screen.waitFor("slow");
	assert.equal(c.queueCalls, 1);
	c.listing = listing(
		[row({ slurmJobId: "7", name: "slow", state: "COMPLETED", stateText: "COMPLETED" })],
		1,
	);
	await screen.waitFor(/7\s+slow\s+COMPLETED/, 3000);
	await screen.press("q");
	assert.match(screen.frame(), /mgo local/, "q leaves the queue, not the cockpit");
	assert.equal(screen.quits, 0);
	const asked = c.queueCalls;
	await tick(1500);
	assert.equal(c.queueCalls, asked, "a closed queue view asks nothing");
});

test("with no cluster configured the queue view says how to set one up", async () => {
	const c = new FakeController(["mgo"]);
	screen = await renderCockpit(c, { columns: 100, rows: 16 });
	await screen.press("Q");
	const frame = await screen.waitFor("No SLURM cluster is configured");
	assert.match(frame.replace(/[│\s]+/g, " "), /Add a \[clusters\.NAME\] table to crystal-tui\.toml/);
	await screen.press("a");
	assert.deepEqual(c.calls, []);
});

test("the queue view draws a cluster that cannot be reached, and fits a narrow terminal", () => {
	const view = render(
		<QueueView
			listing={{
				clusters: [
					{ name: "hpc", syncedAt, error: null },
					{ name: "far", syncedAt: null, error: "host far unreachable" },
				],
				jobs: [row({ name: "a-very-long-job-name-that-cannot-fit-in-the-column" })],
				refreshSeconds: 30,
			}}
			error={null}
			cursor={0}
			width={70}
			height={10}
		/>,
	);
	// biome-ignore lint/suspicious/noControlCharactersInRegex: stripping terminal colour codes
	const frame = (view.lastFrame() ?? "").replace(/\x1b\[[0-9;]*m/g, "");
	view.unmount();
	assert.match(frame, /hpc synced 10:21:44 · far not synced/);
	assert.match(frame, /far: host far unreachable/);
	assert.match(frame, /CLUSTER/, "several clusters: a cluster column");
	for (const l of frame.split("\n")) assert.ok(l.length <= 70, `${l.length}: ${l}`);
});

test("the help lists the queue's keys", () => {
	const text = helpLines()
		.map((l) => l.text)
		.join("\n");
	assert.match(text, /SLURM queue \(Q\)/);
	assert.match(text, /a return\s+adopt the SLURM job as a pane/);
	assert.match(text, /Q\s+your SLURM jobs/);
});

test("+ - H P order the queue through the supervisor; a job that is not queued is named", async () => {
	const c = new FakeController(["a", "b"]);
	screen = await renderCockpit(c);
	c.state("a", "running");
	c.state("b", "queued", "waiting for a free slot");
	await screen.waitFor("b local queued");
	await screen.press("\t");
	for (const key of ["+", "-", "H"]) await screen.press(key);
	c.state("b", "queued", "held");
	await screen.waitFor("b local queued: held");
	await screen.press("H");
	await screen.press("P");
	await tick(60);
	assert.deepEqual(
		c.calls.filter((call) => call.startsWith("queue ")),
		["queue up b", "queue down b", "queue hold b", "queue release b", "queue pause"],
	);
	await screen.press("\t");
	await screen.press("+");
	assert.match(await screen.waitFor("a is not queued"), /a is not queued/);
});

test("W shows the jobs of every project the supervisor knows", async () => {
	const c = new FakeController(["mgo"]);
	c.everywhereLines = [
		"/home/me/mgo-project",
		"mgo  running  local",
		"/home/me/quartz",
		"quartz  queued  local",
	];
	screen = await renderCockpit(c);
	await screen.press("W");
	const frame = await screen.waitFor("quartz  queued  local");
	assert.match(frame, /Every project/);
	assert.match(frame, /\/home\/me\/mgo-project/);
	assert.ok(c.calls.includes("everywhere"));
});
