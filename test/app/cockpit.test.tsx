import assert from "node:assert/strict";
import { afterEach, test } from "node:test";
import { noDetailedResults } from "../../source/crystal/result.js";
import type { JobResult } from "../../source/runner/runner.js";
import { FakeController, numbered } from "./fake-controller.js";
import { renderCockpit, type Screen, tick } from "./harness.js";

let screen: Screen | null = null;
afterEach(() => {
	screen?.unmount();
	screen = null;
});

// biome-ignore lint/suspicious/noControlCharactersInRegex: frames are read with their colour codes
const ansi = /\x1b\[[0-9;]*m/g;
/** The title of the focused pane (its band is drawn in cyan), from the last frame as drawn. */
const focusedTitle = (raw: string) => {
	const row = raw.split("\n").find((r) => r.includes("\x1b[46m"));
	const band = row?.slice(row.indexOf("\x1b[46m")).split("\x1b[49m")[0] ?? "";
	return band.replace(ansi, "").trim();
};
const lastFrame = (s: Screen) => s.stdout.frames.at(-1) ?? "";

test("every job gets a pane with its name, runner, state and live output", async () => {
	const c = new FakeController(["mgo", "quartz", "urea"]);
	screen = await renderCockpit(c);
	c.state("mgo", "running");
	c.output("mgo", numbered("mgo line", 0, 50));
	c.progress("mgo", {
		scfCycle: 7,
		energyHartree: -275.123456789,
		deltaEHartree: -3.2e-5,
		deltaEHistory: [-1, -2, -3, -4],
	});
	const frame = await screen.waitFor("mgo line 49");
	assert.match(frame, /mgo local running/);
	assert.match(frame, /quartz local idle/);
	assert.match(frame, /urea local idle/);
	assert.match(frame, /cyc 7 E -275\.12345679 Ha ΔE -3\.2e-5 █▆▃▁/);
	assert.ok(!frame.includes("mgo line 10\n"), "only the tail that fits is shown");
});

test("at 80x24 four panes fit, and the frame is never taller than the terminal", async () => {
	const c = new FakeController(["a", "b", "c", "d"]);
	screen = await renderCockpit(c, { columns: 80, rows: 24 });
	for (const id of ["a", "b", "c", "d"]) c.output(id, numbered(`${id}-out`, 0, 500));
	const frame = await screen.waitFor("d-out 499");
	const rows = frame.split("\n");
	assert.ok(rows.length <= 24, `${rows.length} rows`);
	assert.ok(rows.every((r) => r.length <= 80));
	for (const id of ["a", "b", "c", "d"]) assert.match(frame, new RegExp(`${id}-out 499`));
});

test("a resize re-lays the grid: 8 jobs on one page at 160x48, pages of 2x2 at 80x24", async () => {
	const names = ["a", "b", "c", "d", "e", "f", "g", "h"];
	const c = new FakeController(names);
	screen = await renderCockpit(c, { columns: 80, rows: 24 });
	const panesInRow = () =>
		(
			screen
				?.frame()
				.split("\n")
				.find((row) => row.includes(" local "))
				?.match(/○ [a-h] local/g) ?? []
		).length;
	assert.equal(panesInRow(), 2);
	assert.match(screen.frame(), /page 1\/2/);
	await screen.resize(160, 48);
	assert.ok(panesInRow() >= 3, screen.frame());
	for (const n of names) assert.match(screen.frame(), new RegExp(`○ ${n} local`));
	assert.doesNotMatch(screen.frame(), /page 1/);
	assert.ok(screen.frame().split("\n").length <= 48);
	await screen.resize(80, 24);
	assert.equal(panesInRow(), 2);
	assert.ok(screen.frame().split("\n").length <= 24);
});

test("more jobs than fit page, with the others listed with their states", async () => {
	const names = numbered("job", 0, 9).map((n) => n.replace(" ", ""));
	const c = new FakeController(names);
	screen = await renderCockpit(c, { columns: 80, rows: 24 });
	c.state("job8", "running");
	c.state("job8", "failed", "exit 1");
	let frame = await screen.waitFor("✗ job8");
	assert.match(frame, /page 1\/2/);
	assert.match(frame, /other pages \(3/);
	assert.match(frame, /✗ job8◆/, "the failed job on another page carries a mark");
	await screen.press("]");
	frame = await screen.waitFor("page 2/2");
	assert.match(frame, /job8 local failed: exit 1/);
	await tick(80);
	assert.doesNotMatch(screen.frame(), /job8◆/, "seen now");
});

test("focus moves with Tab, arrows and hjkl, and several keys in one read all count", async () => {
	const c = new FakeController(["a", "b", "c", "d"]);
	screen = await renderCockpit(c);
	assert.match(focusedTitle(lastFrame(screen)), /○ a local/);
	await screen.press("l");
	assert.match(focusedTitle(lastFrame(screen)), /○ b local/);
	await screen.press("j");
	assert.match(focusedTitle(lastFrame(screen)), /○ d local/);
	await screen.press("hk");
	assert.match(focusedTitle(lastFrame(screen)), /○ a local/);
	await screen.press("\t\t\t");
	assert.match(focusedTitle(lastFrame(screen)), /○ d local/);
	await screen.press("\x1b[Z");
	assert.match(focusedTitle(lastFrame(screen)), /○ c local/);
});

test("start, restart, and stop and force-kill after confirmation", async () => {
	const c = new FakeController(["mgo", "quartz"]);
	screen = await renderCockpit(c);
	await screen.press("s");
	assert.deepEqual(c.calls, ["start mgo"]);
	c.state("mgo", "running");
	await screen.waitFor("mgo local running");
	await screen.press("x");
	assert.match(screen.frame(), /Stop mgo \(SIGTERM, then SIGKILL\)\?/);
	await screen.press("n");
	assert.deepEqual(c.calls, ["start mgo"], "n declines");
	await screen.press("xy");
	assert.deepEqual(c.calls, ["start mgo", "stop mgo"]);
	await screen.press("X");
	assert.match(screen.frame(), /Force-kill mgo/);
	await screen.press("y");
	assert.deepEqual(c.calls.at(-1), "kill mgo");
	await screen.press("r");
	assert.deepEqual(c.calls.at(-1), "restart mgo");
	await screen.press("\tx");
	assert.match(screen.frame(), /quartz is not running/);
});

test("a refused start shows the reason", async () => {
	const c = new FakeController(["mgo"]);
	c.start = async () => {
		throw new Error("mgo.d12: GUESSP needs mgo.f9, which is missing");
	};
	screen = await renderCockpit(c);
	await screen.press("s");
	await screen.waitFor("cannot start mgo: mgo.d12: GUESSP needs mgo.f9");
});

test("scrolling up pauses follow and counts new lines; G follows again", async () => {
	const c = new FakeController(["mgo"]);
	screen = await renderCockpit(c, { columns: 80, rows: 20 });
	c.state("mgo", "running");
	c.output("mgo", numbered("L", 0, 200));
	await screen.waitFor("L 199");
	await screen.press("\x1b[5~");
	let frame = screen.frame();
	assert.match(frame, /paused · \d+ lines below, 0 new/);
	assert.doesNotMatch(frame, /L 199/);
	c.output("mgo", numbered("L", 200, 230));
	frame = await screen.waitFor("30 new");
	assert.doesNotMatch(frame, /L 229/);
	await screen.press("\x19");
	assert.match(screen.frame(), /paused · \d+ lines below, 30 new/);
	await screen.press("G");
	frame = await screen.waitFor("L 229");
	assert.doesNotMatch(frame, /paused/);
});

test("search highlights matches and n/N move between them", async () => {
	const c = new FakeController(["mgo"]);
	screen = await renderCockpit(c, { columns: 80, rows: 20 });
	const lines = numbered("filler", 0, 300);
	lines[40] = "CYC   5 ETOT -275.1 DETOT -1.0E-03 WARNING first";
	lines[120] = "CYC   9 ETOT -275.2 DETOT -1.0E-05 WARNING second";
	c.output("mgo", lines);
	await screen.waitFor("filler 299");
	await screen.press("/");
	await screen.press("warning");
	assert.match(screen.frame(), /\/warning/);
	await screen.press("\r");
	let frame = screen.frame();
	assert.match(frame, /WARNING second/);
	assert.match(frame, /\/warning: line 121 \(2 matches\)/);
	await screen.press("N");
	frame = screen.frame();
	assert.match(frame, /WARNING first/);
	assert.match(frame, /line 41/);
	await screen.press("N");
	assert.match(screen.frame(), /line 121/, "wraps around");
	await screen.press("/nothing-like-this\r");
	assert.match(screen.frame(), /not found/);
});

test("the match is drawn in reverse video", async () => {
	const c = new FakeController(["mgo"]);
	screen = await renderCockpit(c);
	c.output("mgo", ["alpha beta gamma"]);
	await screen.waitFor("alpha beta");
	await screen.press("/beta\r");
	const raw = screen.stdout.frames.at(-1) ?? "";
	// biome-ignore lint/suspicious/noControlCharactersInRegex: the test looks for the reverse-video code
	assert.match(raw, /\x1b\[7m(\x1b\[4m)?beta/);
});

test("zoom shows one job full screen and reaches the whole log on disk", async () => {
	const c = new FakeController(["mgo", "quartz"]);
	const log = numbered("disk", 0, 300);
	c.logs.set("mgo", log);
	// The ring holds the last 50 lines; the zoomed view reads older ones from the log.
	screen = await renderCockpit(c, { columns: 80, rows: 24 }, { capacity: 50 });
	c.output("mgo", log);
	await screen.waitFor("disk 299");
	await screen.press("z");
	let frame = screen.frame();
	assert.doesNotMatch(frame, /quartz/);
	await screen.press("g");
	frame = await screen.waitFor("disk 0");
	assert.match(frame, /paused · 2\d\d lines below/);
	assert.ok(c.calls.some((call) => call.startsWith("readLog mgo 0 ")));
	await screen.press("z");
	assert.match(screen.frame(), /quartz/);
});

const result: JobResult = {
	jobId: "mgo",
	success: false,
	finalEnergyHartree: null,
	scfConverged: false,
	optConverged: null,
	errors: ["TOO MANY CYCLES"],
	warnings: ["SCF NOT CONVERGED"],
	exitCode: 1,
	wallTimeSeconds: 754,
	crystal: {
		program: "CRYSTAL",
		version: "23",
		calcType: "scf",
		finalEnergyHartree: null,
		scfConverged: false,
		scfCycles: 200,
		optConverged: null,
		optCycles: null,
		atomsAsymmetric: 2,
		atomsCell: 2,
		dimensionality: 3,
		spaceGroup: "F M 3 M",
		bandGapEv: 7.5,
		terminatedNormally: false,
		errors: ["TOO MANY CYCLES"],
		warnings: [],
		wallTimeSeconds: 750,
		cpuTimeSeconds: 740,
		diagnosis: [
			{
				id: "scf-too-many-cycles",
				severity: "error",
				line: "SCF ENDED - TOO MANY CYCLES",
				cause: "The SCF did not converge within MAXCYCLE cycles.",
				fix: "add FMIXING 60 and MAXCYCLE 400 to the SCF block",
			},
		],
		...noDetailedResults(),
	},
};

test("Enter opens the result with the diagnosis and the edit to make", async () => {
	const c = new FakeController(["mgo"]);
	screen = await renderCockpit(c, { columns: 100, rows: 40 });
	c.state("mgo", "running");
	c.progress("mgo", { scfCycle: 1, energyHartree: -274.9, deltaEHartree: -1 });
	c.progress("mgo", { scfCycle: 2, energyHartree: -275.0, deltaEHartree: -0.1 });
	c.result("mgo", result);
	c.state("mgo", "failed", "exit 1");
	await screen.waitFor("mgo local failed");
	await screen.press("\r");
	const frame = screen.frame();
	assert.match(frame, /Result: mgo/);
	assert.match(frame, /SCF +NOT converged after 200 cycles/);
	assert.match(frame, /Band gap +7\.500 eV/);
	assert.match(frame, /Error: TOO MANY CYCLES/);
	assert.match(frame, /edit the deck: add FMIXING 60 and MAXCYCLE 400/);
	assert.match(frame, /cycle +2 +E -275\.00000000 Ha/);
	await screen.press("\x1b");
	await tick(60);
	assert.match(screen.frame(), /mgo local failed/);
});

test("? shows every key from the keymap; q there closes it", async () => {
	const c = new FakeController(["mgo"]);
	screen = await renderCockpit(c, { columns: 100, rows: 60 });
	await screen.press("?");
	const frame = screen.frame();
	assert.match(frame, /force-kill the job/);
	assert.match(frame, /zoom the pane to full screen/);
	await screen.press("q");
	assert.equal(screen.quits, 0);
	assert.match(screen.frame(), /mgo local idle/);
	await screen.press("q");
	assert.equal(screen.quits, 1);
});

test("child output cannot reach the terminal as escape sequences", async () => {
	const c = new FakeController(["mgo"]);
	screen = await renderCockpit(c, undefined, { noColor: true });
	c.output("mgo", ["before\x1b[2J\x1b]0;owned\x07after\tTAB"]);
	await screen.waitFor("beforeafter");
	const raw = screen.stdout.frames.at(-1) ?? "";
	assert.ok(!raw.includes("\x1b[2J") && !raw.includes("owned"));
	assert.match(raw, /beforeafter {5}TAB/);
});

test("colours carry the state, and NO_COLOR turns them off while marks still tell", async () => {
	const coloured = new FakeController(["a", "b"]);
	screen = await renderCockpit(coloured);
	coloured.state("b", "running");
	coloured.state("b", "finished");
	await screen.waitFor("✓ b local finished");
	// b is not focused: its band shows the state in the state's colour.
	assert.match(lastFrame(screen), new RegExp(`${"\x1b"}\\[32m ✓ `));
	screen.unmount();

	const c = new FakeController(["a", "b"]);
	screen = await renderCockpit(c, { columns: 100, rows: 30 }, { noColor: true });
	c.state("a", "running");
	c.state("a", "finished");
	await screen.waitFor("✓ a local finished");
	const raw = screen.stdout.frames.at(-1) ?? "";
	// biome-ignore lint/suspicious/noControlCharactersInRegex: the test looks for colour codes
	assert.doesNotMatch(raw, /\x1b\[(3[0-7]|9[0-7]|38;)/);
});

test("search in the zoomed view finds lines of the whole log, older than the ring holds", async () => {
	const c = new FakeController(["mgo"]);
	const log = numbered("disk", 0, 400);
	log[37] = " TOTAL ENERGY(DFT)(AU)( 12) -2.7512345E+02 DE-1.0E-07 tester";
	log[120] = " TOTAL ENERGY(DFT)(AU)( 30) -2.7513345E+02 DE-3.0E-08 tester";
	c.logs.set("mgo", log);
	screen = await renderCockpit(c, { columns: 80, rows: 24 }, { capacity: 50 });
	c.output("mgo", log);
	await screen.waitFor("disk 399");
	// In the grid the pane searches what it holds: the last 50 lines.
	await screen.press("/tester\r");
	await screen.waitFor("/tester: not found");
	await screen.press("z");
	await screen.press("/tester\r");
	// The footer says where the match is at once; the page of the log holding it comes from the
	// file a moment later: the frame that shows both.
	await screen.waitFor(/TOTAL ENERGY\(DFT\)\(AU\)\( 30\)[\s\S]*\/tester: line 121/);
	await screen.press("N");
	await screen.waitFor(/TOTAL ENERGY\(DFT\)\(AU\)\( 12\)[\s\S]*\/tester: line 38/);
	// Past the oldest match the search wraps round to the newest, as vim's does.
	await screen.press("N");
	await screen.waitFor("/tester: line 121");
	await screen.press("n");
	await screen.waitFor("/tester: line 38");
	assert.ok(c.calls.some((call) => call.startsWith("searchLog mgo")));
});

test("the result view wraps the advice to the width and gives each piece of it once", async () => {
	const c = new FakeController(["mgo"]);
	screen = await renderCockpit(c, { columns: 60, rows: 60 });
	const fix =
		"Raise MAXCYCLE (e.g. MAXCYCLE 200) and help convergence: FMIXING 70 or LEVSHIFT 5 1 against oscillations, SMEAR 0.005 for a metal.";
	const diagnosis = { ...result.crystal.diagnosis[0], fix } as (typeof result.crystal.diagnosis)[number];
	const twice = {
		...result,
		crystal: { ...result.crystal, diagnosis: [diagnosis, { ...diagnosis, id: "again" }] },
	};
	c.state("mgo", "running");
	c.progress("mgo", {
		scfCycle: 30,
		energyHartree: -275,
		deltaEHartree: 1e-3,
		trend: {
			kind: "oscillating",
			advice:
				"The energy swings from cycle to cycle: damp the mixing with FMIXING 70 (up to 90) or LEVSHIFT 5 1.",
		},
	});
	c.result("mgo", twice);
	c.state("mgo", "failed", "SCF did not converge");
	await screen.waitFor("mgo local failed");
	await screen.press("\r");
	const frame = screen.frame();
	assert.doesNotMatch(frame, /…/, "nothing is cut");
	const text = frame
		.split("\n")
		.map((row) => row.replace(/^│ ?|\s*│$/g, "").trim())
		.join(" ");
	assert.ok(text.includes(`edit the deck: ${fix}`), text);
	assert.equal(text.split("edit the deck:").length, 2, "the shared edit once");
	assert.equal(text.split("FMIXING 70").length, 2, "the damping advice once");
	assert.match(text, /! SCF is oscillating/);
});

test("a pool's job says its pool while it waits, then the member it went to", async () => {
	const c = new FakeController(["mgo"]);
	const job = c.jobs()[0];
	if (!job) throw new Error("no job");
	job.spec = { ...job.spec, runner: "ssh", pool: "lab" };
	screen = await renderCockpit(c);
	c.state("mgo", "queued", "waiting for a member with free cores");
	assert.match(await screen.waitFor("mgo pool lab queued"), /waiting for a member/);
	job.spec = { ...job.spec, host: "ws2" };
	c.state("mgo", "starting");
	c.state("mgo", "running");
	await screen.waitFor("mgo ssh@ws2 (pool lab) running");
});
