/**
 * The cockpit under load and at rest. Flood: 4 jobs each printing 1000 lines a second for 10 s,
 * all at once. Rest: 4 jobs each printing a line every 2 s for 30 s, as CRYSTAL does for hours.
 * At rest the window opens 2 s after the screen shows all four running, for both, so that
 * start-up (bench/startup's subject) is not counted as rest; the flood counts it.
 * Prints the CPU seconds and peak RSS of the process that draws, for crystal-tui and for mprocs
 * showing the same 4 commands (the reference, measured in the same run), their ratios, and
 * crystal-tui's key-press-to-frame latency under that load. Both run in tmux panes of the same
 * size and are measured the same way: the one process in the pane (crystal-tui's launcher execs
 * Node; mprocs' real binary is started directly, not its npm wrapper), over the same window,
 * from the moment all 4 printers run until they have all ended and the screen says so. The
 * printers are never counted: they are other processes (children of mprocs, and detached job
 * sessions of crystal-tui).
 *
 *   node_modules/.bin/node --import tsx bench/ui/run.ts     (needs npm run build first)
 *
 * To compare V8 flags, set BENCH_NODE_FLAGS (e.g. "--max-semi-space-size=1"): crystal-tui is
 * then run as `node FLAGS dist/cli.js` instead of through its launcher (and its flags); set
 * BENCH_PROGRAM to measure another build of it (the single file; BENCH_NO_OVERSUBSCRIBE=1 for a
 * build from before the machine-wide core budget, which has no --oversubscribe).
 *
 * The two are measured in alternating rounds (BENCH_ROUNDS, default 3) and compared by their
 * median CPU, so that other work on the machine weighs on both alike; peak RSS is the highest.
 *
 * BENCH_SCENARIOS picks them (default "flood,rest"). BENCH_TIMELINE=1 prints each window's CPU
 * second by second (in hundredths), to see where it goes: start-up, output, the end.
 *
 * BENCH_PROFILE=DIR writes V8 CPU profiles of the cockpit and of the supervisor there (Node's
 * --cpu-prof, open them in Chrome's DevTools): at the end of each round the cockpit is quit with
 * q and the supervisor is sent SIGTERM, so that both write theirs. The profiler's own cost is
 * in the figures.
 *
 * Targets: flood CPU no more than mprocs', rest CPU at most 2 x mprocs', peak RSS under 120 MB,
 * latency under 100 ms.
 */
import { execFileSync } from "node:child_process";
import {
	chmodSync,
	existsSync,
	mkdirSync,
	mkdtempSync,
	readdirSync,
	readFileSync,
	rmSync,
	writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Tmux } from "../../test/e2e/tmux.js";

const root = join(import.meta.dirname, "..", "..");
const node = join(root, "node_modules", ".bin", "node");
/** The launcher's flags for the cockpit (bin/crystal-tui), for a profile taken under them. */
const launcherFlags = "--max-semi-space-size=2 --heap-growing-percent=25 --single-threaded-gc --max-opt=2";
const profileDir = process.env.BENCH_PROFILE;
const nodeFlags =
	profileDir === undefined
		? process.env.BENCH_NODE_FLAGS
		: `${process.env.BENCH_NODE_FLAGS ?? launcherFlags} --cpu-prof --cpu-prof-dir=${profileDir}`;
/** BENCH_PROGRAM measures another build, e.g. the single file (build/crystal-tui-linux-x64). */
const program = process.env.BENCH_PROGRAM;
const crystalTui =
	program ??
	(nodeFlags === undefined
		? join(root, "bin", "crystal-tui")
		: `${node} ${nodeFlags} ${join(root, "dist", "cli.js")}`);
/** How the printers print: `lines` lines every `tickMs`, for `seconds`. */
interface Scenario {
	name: string;
	tickMs: number;
	lines: number;
	seconds: number;
	/** The CPU ratio to mprocs aimed at. */
	target: number;
	/** How long after start-up the window opens: 0 takes the start in (the flood), and at rest
	 * the window opens once the screen shows the four running and this much later, for both, so
	 * that what is measured is the rest and not the start (bench/startup measures that). */
	settleMs: number;
}
const scenarios: Scenario[] = [
	{ name: "flood", tickMs: 50, lines: 50, seconds: 10, target: 1, settleMs: 0 },
	{ name: "rest", tickMs: 2000, lines: 1, seconds: 30, target: 2, settleMs: 2000 },
].filter((s) => (process.env.BENCH_SCENARIOS ?? "flood,rest").split(",").includes(s.name));
const size = { columns: 160, rows: 48 };

/** The real mprocs binary for this platform, as the package's own index resolves it (its
 * node_modules/.bin entry is a Node wrapper that spawns this binary). */
function mprocsBinary(): string | null {
	try {
		const path: unknown = createRequire(import.meta.url)("mprocs");
		return typeof path === "string" && existsSync(path) ? path : null;
	} catch {
		return null;
	}
}
const mprocs = mprocsBinary();

const work = mkdtempSync(join(tmpdir(), "crystal-tui-bench-"));
const project = join(work, "project");
mkdirSync(project);

// The load: a program printing SCF-like lines at a steady rate (node printer.mjs TICK_MS LINES
// SECONDS), used as crystalOMP and by mprocs.
// When done it leaves a file in `done` (under mprocs its stdin stays open, so the end of the
// output is not the end of the process), and exits a few seconds later.
const printer = join(work, "printer.mjs");
const done = join(work, "done");
mkdirSync(done);
writeFileSync(
	printer,
	`import { writeFileSync } from "node:fs";
const [tickMs, lines, seconds] = process.argv.slice(2).map(Number);
let n = 0;
const end = Date.now() + seconds * 1000;
const timer = setInterval(() => {
	let out = "";
	for (let i = 0; i < lines; i++) out += " CYC " + (n++) + " ETOT(AU) -2.7512345678E+02 DETOT -1.23E-05 tst 0.0E+00 PX 1.0E+00\\n";
	process.stdout.write(out);
	if (Date.now() >= end) {
		clearInterval(timer);
		process.stdout.write(" EEEEEEEEEE TERMINATION\\n", () => writeFileSync(${JSON.stringify(done)} + "/" + process.pid, ""));
		// Then go, a while after the measurement has ended: nothing else ends a printer under mprocs
		// (its stdin stays open); as crystalOMP its stdin is /dev/null and it ends at once.
		setTimeout(() => process.exit(0), 5000).unref();
	}
}, tickMs);
process.stdin.resume(); process.stdin.on("data", () => {}); process.stdin.on("end", () => {});
`,
);
const printerArgs = (s: Scenario) => `${s.tickMs} ${s.lines} ${s.seconds}`;
/** A folder with the scenario's printer as crystalOMP. */
function crystalDirOf(scenario: Scenario): string {
	const dir = join(work, `bin-${scenario.name}`);
	mkdirSync(dir, { recursive: true });
	const crystal = join(dir, "crystalOMP");
	writeFileSync(crystal, `#!/bin/sh\nexec ${node} ${printer} ${printerArgs(scenario)} < /dev/null\n`);
	chmodSync(crystal, 0o755);
	return dir;
}
const names = ["job1", "job2", "job3", "job4"];
for (const name of names)
	writeFileSync(
		join(project, `${name}.d12`),
		"BENCH\nCRYSTAL\n0 0 0\n225\n4.21\n2\n12 0. 0. 0.\n8 .5 .5 .5\nEND\nEND\nEND\n",
	);

interface Usage {
	cpuSeconds: number;
	peakRssMb: number;
}

const ticks = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim());

/** CPU of the process itself (not of its children) and its peak resident memory so far. */
function usage(pid: number): Usage {
	const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
	const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
	const cpu = (Number(fields[11]) + Number(fields[12])) / ticks;
	const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
	return { cpuSeconds: cpu, peakRssMb: Number(hwm?.[1] ?? 0) / 1024 };
}

/** How many printer processes (`node printer.mjs`) run now, whoever started them. */
function printersRunning(): number {
	let count = 0;
	for (const entry of readdirSync("/proc")) {
		if (!/^\d+$/.test(entry)) continue;
		try {
			if (readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0")[1] === printer) count++;
		} catch {
			// ended meanwhile
		}
	}
	return count;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(what: string, done: () => boolean, timeoutMs: number): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!done()) {
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await sleep(20);
	}
}

function panePid(tmux: Tmux): number {
	return Number(tmux.display("#{pane_pid}"));
}

/** Time from sending a key to the frame that answers it, `samples` times. */
async function latency(tmux: Tmux, samples: number): Promise<number[]> {
	const out: number[] = [];
	for (let i = 0; i < samples; i++) {
		const t0 = performance.now();
		tmux.key("?");
		while (!tmux.screen().includes("Keys")) await sleep(2);
		out.push(performance.now() - t0);
		tmux.key("Escape");
		while (tmux.screen().includes("Keys")) await sleep(2);
		await sleep(200);
	}
	return out;
}

/** Quits the cockpit and stops the supervisor, so that both write their CPU profiles. */
async function quitForProfiles(tmux: Tmux, cockpit: number, supervisor: number): Promise<void> {
	tmux.key("q");
	await until("the cockpit to quit", () => !existsSync(`/proc/${cockpit}`), 30_000);
	process.kill(supervisor, "SIGTERM");
	await until("the supervisor to leave", () => !existsSync(`/proc/${supervisor}`), 30_000);
}

/** Runs `command` in a pane and measures its process from the moment all printers run until
 * they have all printed their last line and `ended` says the screen shows it; `during` runs
 * meanwhile. */
async function measure<T>(
	scenario: Scenario,
	command: string,
	env: Record<string, string>,
	ended: (tmux: Tmux) => Promise<void>,
	during: (tmux: Tmux) => Promise<T>,
	/** Another process measured over the same window (crystal-tui's supervisor). */
	alsoPid: () => number | null = () => null,
	/** Resolves once the screen shows the four printers running. */
	ready: (tmux: Tmux) => Promise<void> = async () => {},
): Promise<Usage & { during: T; also: Usage | null }> {
	const tmux = new Tmux();
	try {
		for (const file of readdirSync(done)) rmSync(join(done, file));
		tmux.start(command, env, size.columns, size.rows, project);
		await until("the printers to start", () => printersRunning() >= names.length, 30_000);
		if (scenario.settleMs > 0) {
			await ready(tmux);
			await sleep(scenario.settleMs);
		}
		const pid = panePid(tmux);
		const before = usage(pid);
		const other = alsoPid();
		const otherBefore = other ? usage(other) : null;
		const samples: number[] = [];
		const sampler = process.env.BENCH_TIMELINE
			? setInterval(() => samples.push(usage(pid).cpuSeconds), 1000)
			: null;
		const result = await during(tmux);
		await until(
			"the printers to finish",
			() => readdirSync(done).length >= names.length,
			(scenario.seconds + 30) * 1000,
		);
		await ended(tmux);
		const after = usage(pid);
		if (sampler) {
			clearInterval(sampler);
			console.log(
				samples.map((v, i) => Math.round((v - (samples[i - 1] ?? before.cpuSeconds)) * 100)).join(" "),
			);
		}
		const otherAfter = other ? usage(other) : null;
		if (profileDir && other) await quitForProfiles(tmux, pid, other);
		const also =
			otherBefore && otherAfter
				? { cpuSeconds: otherAfter.cpuSeconds - otherBefore.cpuSeconds, peakRssMb: otherAfter.peakRssMb }
				: null;
		return {
			cpuSeconds: after.cpuSeconds - before.cpuSeconds,
			peakRssMb: after.peakRssMb,
			during: result,
			also,
		};
	} finally {
		tmux.close();
	}
}

// The supervisor of the benchmark's own (its folder under XDG_RUNTIME_DIR), measured beside
// the cockpit: the jobs, their parsers and their queue are its work.
const runtime = join(work, "runtime");
mkdirSync(runtime, { recursive: true });
let env = { TERM: "xterm-256color", XDG_STATE_HOME: join(work, "state"), XDG_RUNTIME_DIR: runtime };
const supervisorPid = (): number | null => {
	try {
		return Number(readFileSync(join(runtime, "crystal-tui", "supervisor.pid"), "utf8").trim()) || null;
	} catch {
		return null;
	}
};

/** crystal-tui drawing the 4 jobs, as a user sees it (colours on), with the latency probe. */
const measureCockpit = (scenario: Scenario) =>
	measure(
		scenario,
		// All 4 at once, as mprocs runs them (the default would queue jobs beyond the cores: the
		// printers take next to no CPU).
		`exec ${crystalTui} run ${names.map((n) => `${n}.d12`).join(" ")} --crystal-dir ${crystalDirOf(scenario)} --max-jobs ${names.length}${process.env.BENCH_NO_OVERSUBSCRIBE ? "" : " --oversubscribe"}`,
		// CI=false: the tmux server may inherit CI=true from a CI shell, and Ink would draw nothing;
		// any CI variable also turns colours off, so they are asked for explicitly.
		{ ...env, CI: "false", FORCE_COLOR: "1" },
		async (tmux) => {
			await tmux.waitFor(/4 finished|4 failed/, 30_000);
		},
		async (tmux) => {
			await tmux.waitFor(/job4 local running/, 30_000);
			// At rest nothing is pressed: a key costs a frame, which is what is measured.
			if (scenario.name === "rest") return [];
			await sleep(2000);
			return latency(tmux, 5);
		},
		supervisorPid,
		async (tmux) => {
			await tmux.waitFor(/job4 local running/, 30_000);
		},
	);

const measureMprocs = (binary: string, scenario: Scenario) =>
	measure(
		scenario,
		`exec ${binary} ${names.map(() => `'${node} ${printer} ${printerArgs(scenario)}'`).join(" ")}`,
		env,
		// mprocs shows the last lines within a frame or two.
		async () => {
			await sleep(1000);
		},
		async () => {},
	);

// Alternating rounds, compared by their medians: other work on the machine touches both alike.
const rounds = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));
const median = (values: number[]) => {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};
const summary = (runs: Usage[]) => ({
	cpuSeconds: median(runs.map((r) => r.cpuSeconds)),
	cpuAll: runs.map((r) => r.cpuSeconds),
	peakRssMb: Math.max(...runs.map((r) => r.peakRssMb)),
	rssAll: runs.map((r) => r.peakRssMb),
});
const f = (n: number) => n.toFixed(2);
const all = (values: number[]) => values.map(f).join(", ");
for (const scenario of scenarios) {
	env = { ...env, XDG_STATE_HOME: join(work, `state-${scenario.name}`) };
	const cockpitRuns: Awaited<ReturnType<typeof measureCockpit>>[] = [];
	const referenceRuns: Usage[] = [];
	for (let round = 0; round < rounds; round++) {
		cockpitRuns.push(await measureCockpit(scenario));
		if (mprocs) referenceRuns.push(await measureMprocs(mprocs, scenario));
	}
	const cockpit = summary(cockpitRuns);
	const supervisorRuns = cockpitRuns.flatMap((r) => (r.also ? [r.also] : []));
	const supervisor = supervisorRuns.length ? summary(supervisorRuns) : null;
	const together = summary(
		cockpitRuns.map((r) => ({
			cpuSeconds: r.cpuSeconds + (r.also?.cpuSeconds ?? 0),
			peakRssMb: r.peakRssMb + (r.also?.peakRssMb ?? 0),
		})),
	);
	const reference = referenceRuns.length ? summary(referenceRuns) : null;
	const latencies = cockpitRuns.flatMap((r) => r.during);
	const perSecond = (1000 / scenario.tickMs) * scenario.lines;
	console.log(
		`${scenario.name}: ${names.length} jobs x ${perSecond} lines/s x ${scenario.seconds} s, terminal ${size.columns}x${size.rows}, ${rounds} alternating rounds` +
			(program
				? `, ${program}`
				: nodeFlags === undefined
					? ", through bin/crystal-tui"
					: `, node flags: ${nodeFlags || "none"}`),
	);
	console.log(
		`  crystal-tui  CPU ${f(cockpit.cpuSeconds)} s (median of ${all(cockpit.cpuAll)})   peak RSS ${f(cockpit.peakRssMb)} MB (highest of ${all(cockpit.rssAll)})   (target RSS < 120 MB)`,
	);
	if (supervisor)
		console.log(
			`  supervisor   CPU ${f(supervisor.cpuSeconds)} s (median of ${all(supervisor.cpuAll)})   peak RSS ${f(supervisor.peakRssMb)} MB (highest of ${all(supervisor.rssAll)})`,
		);
	console.log(`  both         CPU ${f(together.cpuSeconds)} s   peak RSS ${f(together.peakRssMb)} MB`);
	if (reference) {
		console.log(
			`  mprocs       CPU ${f(reference.cpuSeconds)} s (median of ${all(reference.cpuAll)})   peak RSS ${f(reference.peakRssMb)} MB`,
		);
		console.log(
			`  ratio        CPU ${f(cockpit.cpuSeconds / reference.cpuSeconds)}   RSS ${f(cockpit.peakRssMb / reference.peakRssMb)}   (target CPU ratio <= ${scenario.target}); with the supervisor: CPU ${f(together.cpuSeconds / reference.cpuSeconds)}`,
		);
	} else {
		console.log("  mprocs       not found: install the devDependencies (npm install) for the reference");
	}
	if (latencies.length)
		console.log(
			`  key-to-frame latency under load: median ${f(median(latencies))} ms, max ${f(Math.max(...latencies))} ms over ${latencies.length} presses (target < 100 ms; includes tmux capture polling)`,
		);
}
rmSync(work, { recursive: true, force: true });
