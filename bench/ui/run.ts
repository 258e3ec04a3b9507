/**
 * The cockpit under load: 4 jobs each printing 1000 lines a second for 10 s. Prints the
 * crystal-tui process's CPU seconds and peak RSS, the same for mprocs showing the same 4
 * commands (the reference, measured in the same run), their ratio, and the key-press-to-frame
 * latency under that load. Both run in tmux panes of the same size.
 *
 *   node_modules/.bin/node --import tsx bench/ui/run.ts     (needs npm run build first)
 *
 * Targets: crystal-tui CPU no more than mprocs', peak RSS under 120 MB, latency under 100 ms.
 */
import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Tmux } from "../../test/e2e/tmux.js";

const root = join(import.meta.dirname, "..", "..");
const node = join(root, "node_modules", ".bin", "node");
const bin = join(root, "bin", "crystal-tui");
const mprocs = join(root, "node_modules", ".bin", "mprocs");
const seconds = 10;
const linesPerSecond = 1000;
const size = { columns: 160, rows: 48 };

const work = mkdtempSync(join(tmpdir(), "crystal-tui-bench-"));
const project = join(work, "project");
const crystalDir = join(work, "bin");
mkdirSync(project);
mkdirSync(crystalDir);

// The load: a program printing SCF-like lines at a steady rate, used as crystalOMP and by mprocs.
const printer = join(work, "printer.mjs");
writeFileSync(
	printer,
	`let n = 0;
const end = Date.now() + ${seconds * 1000};
const timer = setInterval(() => {
	let out = "";
	for (let i = 0; i < ${linesPerSecond / 20}; i++) out += " CYC " + (n++) + " ETOT(AU) -2.7512345678E+02 DETOT -1.23E-05 tst 0.0E+00 PX 1.0E+00\\n";
	process.stdout.write(out);
	if (Date.now() >= end) { clearInterval(timer); process.stdout.write(" EEEEEEEEEE TERMINATION\\n"); }
}, 50);
process.stdin.resume(); process.stdin.on("data", () => {}); process.stdin.on("end", () => {});
`,
);
const crystal = join(crystalDir, "crystalOMP");
writeFileSync(crystal, `#!/bin/sh\nexec ${node} ${printer} < /dev/null\n`);
chmodSync(crystal, 0o755);
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

function usage(pid: number): Usage {
	const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
	const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
	const cpu = (Number(fields[11]) + Number(fields[12])) / ticks;
	const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
	return { cpuSeconds: cpu, peakRssMb: Number(hwm?.[1] ?? 0) / 1024 };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

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

async function measureCockpit(): Promise<Usage & { latencies: number[] }> {
	const tmux = new Tmux();
	try {
		tmux.start(
			`exec ${bin} run ${names.map((n) => `${n}.d12`).join(" ")} --crystal-dir ${crystalDir}`,
			{ CI: "false", TERM: "xterm-256color" },
			size.columns,
			size.rows,
			project,
		);
		await tmux.waitFor("job4 local running", 30_000);
		const pid = panePid(tmux);
		const before = usage(pid);
		await sleep(2000);
		const latencies = await latency(tmux, 5);
		await tmux.waitFor(/4 finished|4 failed/, (seconds + 30) * 1000);
		const after = usage(pid);
		tmux.key("q");
		return { cpuSeconds: after.cpuSeconds - before.cpuSeconds, peakRssMb: after.peakRssMb, latencies };
	} finally {
		tmux.close();
	}
}

async function measureMprocs(): Promise<Usage | null> {
	if (!existsSync(mprocs)) return null;
	const tmux = new Tmux();
	try {
		const commands = names.map(() => `'${node} ${printer}'`).join(" ");
		tmux.start(`exec ${mprocs} ${commands}`, { TERM: "xterm-256color" }, size.columns, size.rows, work);
		await tmux.waitFor("CYC", 30_000);
		const pid = panePid(tmux);
		const before = usage(pid);
		await sleep(seconds * 1000 + 1000);
		const after = usage(pid);
		return { cpuSeconds: after.cpuSeconds - before.cpuSeconds, peakRssMb: after.peakRssMb };
	} finally {
		tmux.close();
	}
}

const cockpit = await measureCockpit();
const reference = await measureMprocs();
rmSync(work, { recursive: true, force: true });

const sorted = [...cockpit.latencies].sort((a, b) => a - b);
const median = sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
const f = (n: number) => n.toFixed(2);
console.log(
	`load: ${names.length} jobs x ${linesPerSecond} lines/s x ${seconds} s, terminal ${size.columns}x${size.rows}`,
);
console.log(
	`crystal-tui  CPU ${f(cockpit.cpuSeconds)} s   peak RSS ${f(cockpit.peakRssMb)} MB   (target RSS < 120 MB)`,
);
if (reference) {
	console.log(`mprocs       CPU ${f(reference.cpuSeconds)} s   peak RSS ${f(reference.peakRssMb)} MB`);
	console.log(
		`ratio        CPU ${f(cockpit.cpuSeconds / reference.cpuSeconds)}   RSS ${f(cockpit.peakRssMb / reference.peakRssMb)}   (target CPU ratio <= 1)`,
	);
} else {
	console.log(
		`mprocs       not found at ${mprocs}: add the mprocs package as a devDependency for the reference`,
	);
}
console.log(
	`key-to-frame latency under load: median ${f(median)} ms, max ${f(sorted.at(-1) ?? Number.NaN)} ms over ${sorted.length} presses (target < 100 ms; includes tmux capture polling)`,
);
