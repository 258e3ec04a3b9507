/**
 * The loopback sshd and single-node SLURM cluster that .ci/infra/setup-test-infra.sh starts, as
 * the tests that need them see them: whether they are there (from the TEST_* / SLURM_CONF
 * environment the script prints), host and cluster entries that point at them, job folders the
 * remote side can reach, and waiting on work that runs there.
 *
 * Importing this module registers one `after` hook on the test file: folders and processes
 * handed to `atEnd` are undone there, the latest first.
 */
import { execFileSync } from "node:child_process";
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as nodeTest from "node:test";
import type { ClusterConfig, HostConfig } from "../../source/config/load.js";
import type { Backend, JobHandle } from "../../source/runner/backend.js";
import type { JobSpec, RunnerKind } from "../../source/runner/runner.js";
import type { SshConnection } from "../../source/runner/ssh/connection.js";
import { upload } from "../../source/runner/ssh/transfer.js";
import { deck, mockBin, sleep } from "./project.js";

const env = process.env;

// --- is it there? ---------------------------------------------------------------------------

/** A piece of the loopback infrastructure and the variables that say it runs. */
export interface Infra {
	/** What the messages call it. */
	label: string;
	variables: readonly string[];
}

export const loopbackSshd: Infra = {
	label: "sshd",
	variables: ["TEST_SSH_HOST", "TEST_SSH_PORT", "TEST_SSH_USER", "TEST_SSH_KEY", "TEST_SSH_KNOWN_HOSTS"],
};

export const loopbackSlurm: Infra = {
	label: "SLURM cluster",
	variables: ["SLURM_CONF", "TEST_SLURM_PARTITION"],
};

const missingVariables = (infra: Infra) => infra.variables.filter((name) => !env[name]);

/** The `skip` option of a suite that needs `infra`: false when its environment is set, else
 * why the suite does not run and how to make it run. */
export function skipWithout(infra: Infra): string | false {
	return missingVariables(infra).length > 0
		? `skipped: no ${infra.label} on loopback; run .ci/infra/setup-test-infra.sh and source its output`
		: false;
}

/** `skipWithout`, except that with CRYSTAL_TUI_REQUIRE_INFRA=1 (CI, where the daemons must be
 * up) a missing `infra` fails the test file as it loads instead of skipping it unnoticed. */
export function requireOrSkip(infra: Infra): string | false {
	const missing = missingVariables(infra);
	if (missing.length > 0 && env.CRYSTAL_TUI_REQUIRE_INFRA === "1") {
		throw new Error(
			`CRYSTAL_TUI_REQUIRE_INFRA=1 but ${missing.join(", ")} not set: the ${infra.label} of .ci/infra is not running`,
		);
	}
	return skipWithout(infra);
}

// --- suites that need it, skipped test by test ------------------------------------------------

/** Why the suite being declared does not run; false when it does. */
let skipping: string | false = false;

type Fn = (...args: never[]) => unknown;
type SuiteArgs =
	| [name: string, fn: () => void]
	| [name: string, options: nodeTest.TestOptions, fn: () => void];
type TestArgs = [name: string, fn: Fn] | [name: string, options: nodeTest.TestOptions, fn: Fn];

/**
 * `describe` of node:test, except that a suite skipped with a reason (`{ skip: requireOrSkip(..) }`)
 * still declares its tests, each skipped with that reason, and runs none of its hooks: the
 * summary counts every test that did not run ("skipped 9"), where a skipped suite would count
 * none. Suites that need the loopback daemons import describe, it and the hooks from here.
 */
export function describe(...args: SuiteArgs): void {
	const [name, options, fn] = args.length === 2 ? [args[0], {}, args[1]] : args;
	const reason = skipping || (typeof options.skip === "string" ? options.skip : false);
	if (!reason) {
		nodeTest.describe(name, options, fn);
		return;
	}
	nodeTest.describe(name, { ...options, skip: false }, () => {
		const outer = skipping;
		skipping = reason;
		try {
			fn();
		} finally {
			skipping = outer;
		}
	});
}

const declare =
	(register: typeof nodeTest.it) =>
	(...args: TestArgs): void => {
		const [name, options, fn] = args.length === 2 ? [args[0], {}, args[1]] : args;
		register(name, skipping ? { ...options, skip: skipping } : options, fn as never);
	};
export const it = declare(nodeTest.it);
export const test = declare(nodeTest.test);

const hook =
	(register: (fn: Fn) => void) =>
	(fn: Fn): void => {
		if (!skipping) register(fn);
	};
export const before = hook(nodeTest.before as (fn: Fn) => void);
export const after = hook(nodeTest.after as (fn: Fn) => void);
export const beforeEach = hook(nodeTest.beforeEach as (fn: Fn) => void);
export const afterEach = hook(nodeTest.afterEach as (fn: Fn) => void);

// --- undone at the end ----------------------------------------------------------------------

const undos: Array<() => void> = [];
nodeTest.after(() => {
	for (const undo of undos.reverse()) undo();
});

/** Runs `undo` once every test of the file is done (the latest registered first). */
export function atEnd(undo: () => void): void {
	undos.push(undo);
}

/** A fresh private folder under the system temp folder, removed at the end. */
export function tempDir(prefix: string): string {
	const dir = mkdtempSync(join(tmpdir(), prefix));
	atEnd(() => rmSync(dir, { recursive: true, force: true }));
	return dir;
}

/** A fresh folder that slurmd (root) and the test user can both reach (mkdtemp makes 0700). */
export function sharedTempDir(prefix: string): string {
	const dir = tempDir(prefix);
	chmodSync(dir, 0o755);
	return dir;
}

/** A short private folder for ControlMaster sockets (unix socket paths are short). */
export const controlSocketDir = () => tempDir("ctcm-");

// --- the mock CRYSTAL and the jobs it runs ---------------------------------------------------

/** The mock CRYSTAL executables (CRYSTAL_TUI_MOCK_BIN may name another copy). */
export const mockCrystalBin = env.CRYSTAL_TUI_MOCK_BIN ?? mockBin;

const mockCrystalNames = ["crystalOMP", "Pcrystal", "PcrystalOMP", "properties", "mpirun"];

/** Copies the mock CRYSTAL to `dir` (a folder the cluster reaches) and returns `dir`. */
export function copyMockCrystal(dir: string): string {
	cpSync(mockCrystalBin, dir, { recursive: true });
	return dir;
}

/** Sends the mock CRYSTAL to `remoteDir` over `connection`; returns the names it found. */
export async function uploadMockCrystal(connection: SshConnection, remoteDir: string): Promise<string[]> {
	const names = mockCrystalNames.filter((name) => existsSync(join(mockCrystalBin, name)));
	await upload(connection, mockCrystalBin, names, remoteDir);
	return names;
}

export interface LoopbackJobOptions {
	runner: RunnerKind;
	/** First line of the deck (the mock CRYSTAL chooses its output by it). */
	title?: string;
	/** Further input files of the job folder, by name. */
	inputs?: Record<string, string>;
}

/** The folder PROJECT/SUB holding NAME.d12 (a plain SCF deck) and `inputs`, and the spec of
 * that job on the host or cluster called "loopback". */
export function loopbackJob(
	projectDir: string,
	sub: string,
	name: string,
	options: LoopbackJobOptions,
): JobSpec {
	const dir = join(projectDir, sub);
	mkdirSync(dir, { recursive: true });
	writeFileSync(join(dir, `${name}.d12`), deck(options.title ?? "MGO SCF"));
	for (const [file, text] of Object.entries(options.inputs ?? {})) writeFileSync(join(dir, file), text);
	return {
		id: `${sub}/${name}`,
		name,
		dir,
		runner: options.runner,
		host: "loopback",
		parallelism: { ranks: 1, threads: 1 },
	};
}

// --- configuration entries -------------------------------------------------------------------

/** A [hosts.NAME] entry for the loopback sshd as the test user, trusting only its recorded key. */
export function loopbackHost(
	fields: Pick<HostConfig, "name" | "file" | "remoteRoot"> & Partial<HostConfig>,
): HostConfig {
	return {
		address: env.TEST_SSH_HOST ?? "127.0.0.1",
		port: Number(env.TEST_SSH_PORT),
		user: env.TEST_SSH_USER,
		identityFile: env.TEST_SSH_KEY,
		sshOptions: { UserKnownHostsFile: env.TEST_SSH_KNOWN_HOSTS ?? "/dev/null", IdentitiesOnly: "yes" },
		modules: [],
		env: {},
		acceptNewHostKey: false,
		...fields,
	};
}

/** A [clusters.loopback] entry for the loopback SLURM cluster, polled every second. */
export function loopbackCluster(overrides: Partial<ClusterConfig> = {}): ClusterConfig {
	return {
		name: "loopback",
		file: "test",
		partition: env.TEST_SLURM_PARTITION,
		modules: [],
		env: {},
		pollIntervalSeconds: 1,
		mpiLauncher: "srun",
		...overrides,
	};
}

/** ssh arguments for the test's own commands as the test user (cleanup, asking a master):
 * through the ControlMaster sockets in `controlDir` when given, else straight to the host. */
export function loopbackSshArgs(controlDir?: string): string[] {
	const args = [
		"-p",
		env.TEST_SSH_PORT ?? "22",
		"-i",
		env.TEST_SSH_KEY ?? "",
		"-l",
		env.TEST_SSH_USER ?? "",
		"-o",
		`UserKnownHostsFile=${env.TEST_SSH_KNOWN_HOSTS}`,
		"-o",
		"BatchMode=yes",
	];
	if (controlDir) args.push("-o", `ControlPath=${controlDir}/%C`);
	else args.push(env.TEST_SSH_HOST ?? "127.0.0.1");
	return args;
}

/** One field of `scontrol show job` (JobState, UserId, ...) up to its first non-word character. */
export function scontrolField(slurmJobId: string | undefined, field: string): string | undefined {
	const line = execFileSync("scontrol", ["show", "job", "-o", slurmJobId ?? ""], { encoding: "utf8" });
	return new RegExp(`\\b${field}=(\\w+)`).exec(line)?.[1];
}

// --- waiting on remote work ------------------------------------------------------------------

export type Truthy<T> = Exclude<T, null | undefined | false | "" | 0>;

/** Polls `check` until it answers something truthy, and returns that; fails after `timeoutMs`
 * naming `what` and the last answer. Unlike `eventually` (project.ts), null means "not yet",
 * and the pace is slower: every poll here asks sshd or slurmctld. */
export async function waitFor<T>(
	what: string,
	check: () => T | Promise<T>,
	timeoutMs = 90_000,
): Promise<Truthy<T>> {
	const end = Date.now() + timeoutMs;
	for (;;) {
		const value = await check();
		if (value) return value as Truthy<T>;
		if (Date.now() > end) throw new Error(`timed out waiting for ${what} (last: ${JSON.stringify(value)})`);
		await sleep(200);
	}
}

/** Waits until the job of `handle` has ended and returns how (its liveness once not alive). */
export const waitForEnd = (backend: Pick<Backend, "liveness">, handle: JobHandle, timeoutMs = 90_000) =>
	waitFor(
		handle.slurmJobId ? `job ${handle.slurmJobId} to end` : "the job to end",
		async () => {
			const liveness = await backend.liveness(handle);
			return liveness.alive ? null : liveness;
		},
		timeoutMs,
	);

/** The `[clusters.NAME]` lines of a crystal-tui.toml for the loopback SLURM cluster: its
 * partition, the mock CRYSTAL in `crystalDir`, squeue asked every second, a 5-minute limit and
 * the mock's pace (more keys of the entry may follow them). */
export function loopbackClusterEntry(name: string, crystalDir: string, delay = "0.002"): string {
	const q = (value: string | undefined) => JSON.stringify(value ?? "");
	return `[clusters.${name}]
partition = ${q(env.TEST_SLURM_PARTITION)}
crystal_dir = ${q(crystalDir)}
poll_interval_seconds = 1
time = "5"
env = { CRYSTAL_MOCK_DELAY = ${q(delay)} }
`;
}

/** The `[hosts.NAME]` lines of a crystal-tui.toml that reach the loopback sshd as the test user
 * (more keys of the entry may follow them). */
export function loopbackHostEntry(name: string): string {
	const q = (value: string | undefined) => JSON.stringify(value ?? "");
	return `[hosts.${name}]
address = ${q(env.TEST_SSH_HOST)}
port = ${Number(env.TEST_SSH_PORT)}
user = ${q(env.TEST_SSH_USER)}
identity_file = ${q(env.TEST_SSH_KEY)}
ssh_options = { UserKnownHostsFile = ${q(env.TEST_SSH_KNOWN_HOSTS)}, IdentitiesOnly = "yes" }
`;
}
