/**
 * Test projects: a temporary folder with decks, and the real crystal-tui binary run on it with
 * the mock CRYSTAL of fixtures/bin.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after } from "node:test";
import { fileURLToPath } from "node:url";
import { execa, type ResultPromise } from "execa";
import type { JobSpec } from "../../source/runner/runner.js";

export const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
export const mockBin = join(repoRoot, "fixtures", "bin");
export const nodeBin = join(repoRoot, "node_modules", "node", "bin", "node");
export const cliPath = join(repoRoot, "bin", "crystal-tui");

/** A small plausible SCF deck; extra keyword lines go before the final END of the SCF block. */
export function deck(
	title: string,
	extra: string[] = [],
	geometry: "CRYSTAL" | "EXTERNAL" = "CRYSTAL",
): string {
	const geom =
		geometry === "EXTERNAL"
			? ["EXTERNAL"]
			: ["CRYSTAL", "0 0 0", "225", "4.21", "2", "12 0.0 0.0 0.0", "8 0.5 0.5 0.5"];
	const opt = extra.filter((k) => k === "OPTGEOM" || k === "FREQCALC");
	const scf = extra.filter((k) => k !== "OPTGEOM" && k !== "FREQCALC");
	return `${[
		title,
		...geom,
		...opt.flatMap((k) => [k, k === "OPTGEOM" ? "ENDOPT" : "END"]),
		"END",
		"12 3",
		"1 0 3  2.  0.",
		"1 1 3  8.  0.",
		"1 1 3  2.  0.",
		"8 2",
		"1 0 3  2.  0.",
		"1 1 3  6.  0.",
		"99 0",
		"END",
		"SHRINK",
		"8 8",
		...scf,
		"END",
	].join("\n")}\n`;
}

export async function tempProject(files: Record<string, string | Buffer>): Promise<string> {
	const dir = await mkdtemp(join(tmpdir(), "crystal-tui-test-"));
	for (const [name, content] of Object.entries(files)) await writeFile(join(dir, name), content);
	return dir;
}

export const removeProject = (dir: string) => rm(dir, { recursive: true, force: true });

/** A serial local job of the project in `dir`, for tests that drive the runner directly. */
export const localSpec = (dir: string, name: string, more: Partial<JobSpec> = {}): JobSpec => ({
	id: name,
	name,
	dir,
	runner: "local",
	parallelism: { ranks: 1, threads: 1 },
	...more,
});

/** A maker of temporary projects for one test file: when the file's tests end, each project's
 * jobs are stopped (the supervisor would run them on) and its folder removed. */
export function projectsOfThisFile(): (files: Record<string, string>) => Promise<string> {
	const made: string[] = [];
	after(async () => {
		for (const dir of made) {
			await crystalTui(["stop", "--all", "--force"], { cwd: dir });
			await removeProject(dir);
		}
	});
	return async (files) => {
		const dir = await tempProject(files);
		made.push(dir);
		return dir;
	};
}

/** How many runs of CRYSTAL an output holds: one banner each. */
export const banners = (text: string): number =>
	text.split("\n").filter((line) => line.includes("EEEEEEEEEE STARTING")).length;

export interface CliOptions {
	cwd: string;
	env?: Record<string, string>;
	/** Seconds between output lines of the mock CRYSTAL. */
	delay?: number;
}

/** Runs crystal-tui (on the project's Node 24) without a terminal. */
export function crystalTui(args: string[], options: CliOptions): ResultPromise<{ reject: false; all: true }> {
	return execa(cliPath, args, {
		cwd: options.cwd,
		reject: false,
		all: true,
		stdin: "ignore",
		env: {
			CRYSTAL_MOCK_DELAY: String(options.delay ?? 0.001),
			CRY23_EXEDIR: mockBin,
			NO_COLOR: "1",
			...supervisorEnv,
			...options.env,
		},
	}) as unknown as ResultPromise<{ reject: false; all: true }>;
}

/**
 * The supervisor's folder of this test process: each test file gets a supervisor of its own (as
 * `tmux -L` gives a server of its own), which leaves a few seconds after its last job and client.
 */
export const testRuntimeDir = mkdtempSync(join(tmpdir(), "ct-rt-"));

export const supervisorEnv: Record<string, string> = {
	XDG_RUNTIME_DIR: testRuntimeDir,
	CRYSTAL_TUI_SUPERVISOR_IDLE_SECONDS: "3",
};

/** SIGKILLs this test process's supervisor, if one runs (as a crash or the OOM killer would). */
export function killSupervisor(): void {
	try {
		const pid = Number(readFileSync(join(testRuntimeDir, "crystal-tui", "supervisor.pid"), "utf8"));
		process.kill(pid, "SIGKILL");
	} catch {
		// None runs.
	}
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until `check` returns a value (not undefined/false), or fails after `timeoutMs`. */
export async function eventually<T>(
	what: string,
	check: () => Promise<T | undefined | false> | T | undefined | false,
	timeoutMs = 20_000,
): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await check();
		if (value !== undefined && value !== false) return value as T;
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await sleep(50);
	}
}

/** PIDs of the processes in a process group (empty when the group is gone). */
export async function groupMembers(pgid: number): Promise<number[]> {
	const { stdout } = await execa("ps", ["-e", "-o", "pid=,pgid=,stat="], { reject: false });
	return stdout
		.split("\n")
		.map((l) => l.trim().split(/\s+/))
		.filter(([, g, stat]) => Number(g) === pgid && !String(stat).startsWith("Z"))
		.map(([p]) => Number(p));
}
