/**
 * Start-up benchmark: how long `crystal-tui --version` and `crystal-tui status` take as whole
 * processes, as ratios to `node -e 0` measured in the same run, for the npm install
 * (bin/crystal-tui on dist/) and for the single file (build/crystal-tui-linux-x64, when built).
 *
 *   npm run build && npm run build:binary     (the single file is optional)
 *   node_modules/.bin/node bench/startup/run.ts [runs, default 20]
 *
 * Each figure is the median wall time of the runs, after two unmeasured ones (the first start
 * writes V8's compile cache). `status` runs in a project folder with the demo's decks and a
 * state store. Goal: status under 3 x node -e 0. A benchmark: it prints figures, it asserts
 * nothing.
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "..", "..");
const runs = Number(process.argv[2] ?? 20);
const node = join(root, "node_modules", "node", "bin", "node");
const launcher = join(root, "bin", "crystal-tui");
const singleFile = join(root, "build", "crystal-tui-linux-x64");

function median(command: string[], cwd: string): number {
	const times: number[] = [];
	for (let run = -2; run < runs; run++) {
		const start = process.hrtime.bigint();
		const result = spawnSync(command[0] as string, command.slice(1), { cwd, stdio: "ignore" });
		const ms = Number(process.hrtime.bigint() - start) / 1e6;
		if (result.status !== 0) throw new Error(`${command.join(" ")} exited ${result.status}`);
		if (run >= 0) times.push(ms);
	}
	times.sort((a, b) => a - b);
	return times[Math.floor(times.length / 2)] as number;
}

const project = mkdtempSync(join(tmpdir(), "crystal-tui-startup-"));
try {
	cpSync(join(root, "fixtures", "demo"), project, { recursive: true });
	if (!existsSync(join(root, "dist", "cli.js")))
		throw new Error("dist/cli.js is missing: npm run build first");
	const reference = median([node, "-e", "0"], project);
	console.log(
		`node -e 0                    ${reference.toFixed(1).padStart(6)} ms   (Node ${process.version}, median of ${runs})`,
	);
	const programs: [string, string][] = [["npm install", launcher]];
	if (existsSync(singleFile)) programs.push(["single file", singleFile]);
	else console.log("single file: not built (npm run build:binary)");
	for (const [name, program] of programs)
		for (const args of [["--version"], ["status"]]) {
			const ms = median([program, ...args], project);
			const label = `${name}: ${args.join(" ")}`.padEnd(28);
			console.log(`${label} ${ms.toFixed(1).padStart(6)} ms   ${(ms / reference).toFixed(2)} x node -e 0`);
		}
	console.log("goal: status under 3 x node -e 0");
} finally {
	rmSync(project, { recursive: true, force: true });
}
