/**
 * Pools of hosts through the real binary: three sshd on loopback (the one of .ci/infra and two
 * started here), each declaring its own cores in `[pools.lab.host.X]` since they are one
 * machine. Jobs spread by free cores; a member killed mid-run is followed again when it is
 * back while the jobs not started there go elsewhere; a start_command brings a member up only
 * when jobs wait.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { execa } from "execa";
import { copyMockCrystal, loopbackSshd, requireOrSkip, sharedTempDir, waitFor } from "../helpers/infra.js";
import { cliPath, crystalTui, deck, killSupervisor, mockBin, supervisorEnv } from "../helpers/project.js";
import { type ExtraSshd, extraSshd, stopped } from "../helpers/sshd-pool.js";

const env = process.env;
const toml = (value: unknown) => JSON.stringify(value);

interface Row {
	id: string;
	state: string;
	host: string | null;
	pool: string | null;
	placement: string | null;
	detail: string | null;
	startedAt: string | null;
	endedAt: string | null;
}

const dirs: string[] = [];
after(async () => {
	for (const dir of dirs) await crystalTui(["stop", "--all", "--force"], { cwd: dir });
});

/** A `[hosts.NAME]` for a loopback sshd on `port`, known by the one host key of .ci/infra. */
function hostEntry(name: string, port: number, bin: string, delay: number): string {
	return `[hosts.${name}]
address = "127.0.0.1"
port = ${port}
user = ${toml(env.TEST_SSH_USER)}
identity_file = ${toml(env.TEST_SSH_KEY)}
ssh_options = { UserKnownHostsFile = ${toml(env.TEST_SSH_KNOWN_HOSTS)}, IdentitiesOnly = "yes", HostKeyAlias = "[127.0.0.1]:${env.TEST_SSH_PORT}" }
remote_root = ${toml(`crystal-tui-pool-${process.pid}`)}
crystal_dir = ${toml(bin)}
env = { CRYSTAL_MOCK_DELAY = "${delay}" }
`;
}

/** A project with `decks` (one plain SCF deck each) and `config` as its crystal-tui.toml. */
async function project(decks: string[], config: string): Promise<string> {
	const dir = sharedTempDir("ct-pool-");
	dirs.push(dir);
	for (const name of decks) await writeFile(join(dir, `${name}.d12`), deck(`MgO ${name}`));
	await writeFile(join(dir, "crystal-tui.toml"), config);
	return dir;
}

async function status(dir: string): Promise<Row[]> {
	const r = await crystalTui(["status", "--json"], { cwd: dir });
	assert.equal(r.exitCode, 0, r.all);
	return JSON.parse(r.stdout) as Row[];
}

/** The status rows once `want` holds; on a timeout the message shows the last ones. */
async function rowsWhen(dir: string, what: string, want: (rows: Row[]) => boolean, timeoutMs = 90_000) {
	let last: Row[] = [];
	try {
		return await waitFor(
			what,
			async () => {
				last = await status(dir);
				return want(last) ? last : null;
			},
			timeoutMs,
		);
	} catch (error) {
		const seen = last.map((r) => [r.id, r.state, r.host, r.detail]);
		throw new Error(`${(error as Error).message}; last status: ${JSON.stringify(seen)}`);
	}
}

/** A `run` in the background, as from a user's shell. */
const background = (dir: string, args: string[]) =>
	execa(cliPath, ["run", ...args, "--no-tui"], {
		cwd: dir,
		reject: false,
		all: true,
		stdin: "ignore",
		env: { CRY23_EXEDIR: mockBin, NO_COLOR: "1", ...supervisorEnv },
	});

/** The most jobs of `rows` that ran on `host` at one moment, from their start and end times. */
function mostAtOnce(rows: Row[], host: string): number {
	const edges = rows
		.filter((r) => r.host === host && r.startedAt && r.endedAt)
		.flatMap((r) => [
			{ t: Date.parse(r.startedAt as string), d: 1 },
			{ t: Date.parse(r.endedAt as string), d: -1 },
		])
		.sort((a, b) => a.t - b.t || a.d - b.d);
	let now = 0;
	let most = 0;
	for (const e of edges) {
		now += e.d;
		most = Math.max(most, now);
	}
	return most;
}

describe("pools of hosts", { skip: requireOrSkip(loopbackSshd), timeout: 240_000 }, () => {
	let ws2: ExtraSshd;
	let ws3: ExtraSshd;
	let bin: string;

	test("8 jobs spread over three hosts by their free cores, never more than a host's cores", async () => {
		bin = copyMockCrystal(sharedTempDir("ct-pool-bin-"));
		ws2 = await extraSshd();
		ws3 = await extraSshd();
		await ws2.start();
		await ws3.start();
		const names = ["j1", "j2", "j3", "j4", "j5", "j6", "j7", "j8"];
		const dir = await project(
			names,
			`${hostEntry("ws1", Number(env.TEST_SSH_PORT), bin, 0.006)}
${hostEntry("ws2", ws2.port, bin, 0.006)}
${hostEntry("ws3", ws3.port, bin, 0.006)}
[pools.lab]
hosts = ["ws1", "ws2", "ws3"]
check_seconds = 1
[pools.lab.host.ws1]
cores = 3
[pools.lab.host.ws2]
cores = 2
[pools.lab.host.ws3]
cores = 1
`,
		);
		const run = await crystalTui(["run", ...names.map((n) => `${n}.d12`), "--host", "lab", "--no-tui"], {
			cwd: dir,
		});
		assert.equal(run.exitCode, 0, run.all);
		const rows = await status(dir);
		assert.deepEqual(
			rows.map((r) => r.state),
			names.map(() => "finished"),
		);
		for (const r of rows) {
			assert.equal(r.pool, "lab");
			assert.match(r.placement ?? "", new RegExp(`^${r.host}: [1-3] of [1-3] cores free$`), r.id);
		}
		// The first six fill the hosts as their cores say; the other two waited for a free core.
		const first = [...rows].sort((a, b) => Date.parse(a.startedAt ?? "") - Date.parse(b.startedAt ?? ""));
		const count = (host: string) => first.slice(0, 6).filter((r) => r.host === host).length;
		assert.deepEqual([count("ws1"), count("ws2"), count("ws3")], [3, 2, 1], JSON.stringify(first));
		assert.ok(first.some((r) => r.placement === "ws1: 3 of 3 cores free"));
		assert.ok(mostAtOnce(rows, "ws1") <= 3 && mostAtOnce(rows, "ws2") <= 2 && mostAtOnce(rows, "ws3") <= 1);
	});

	test("a host killed mid-run: its job is followed to the end when it is back, the others go elsewhere", async () => {
		// ws2 (4 cores) takes the first job; killed, it takes nothing until it answers again.
		const dir = await project(
			["long", "b", "c", "d"],
			`${hostEntry("ws2", ws2.port, bin, 0.05)}
${hostEntry("ws3", ws3.port, bin, 0.03)}
[pools.lab]
hosts = ["ws2", "ws3"]
check_seconds = 1
[pools.lab.host.ws2]
cores = 4
[pools.lab.host.ws3]
cores = 2
`,
		);
		const first = background(dir, ["long.d12", "--host", "lab"]);
		await rowsWhen(dir, "long running on ws2", (rows) =>
			rows.some((r) => r.id === "long" && r.state === "running" && r.host === "ws2"),
		);
		ws2.kill();
		await stopped(ws2);
		const rest = background(dir, ["b.d12", "c.d12", "d.d12", "--host", "lab"]);
		// Two fit ws3; the third waits centrally, ws2 being down.
		const waiting = await rowsWhen(dir, "b and c running on ws3, d queued", (rows) => {
			const on3 = rows.filter(
				(r) => ["b", "c", "d"].includes(r.id) && r.host === "ws3" && r.state === "running",
			);
			return on3.length === 2 && rows.some((r) => r.state === "queued");
		});
		const queued = waiting.find((r) => r.state === "queued");
		assert.match(queued?.detail ?? "", /ws2 down|ws2 did not answer/);
		assert.equal(
			waiting.find((r) => r.id === "long")?.state,
			"running",
			"a job on a host that is down is not given up",
		);
		await ws2.start();
		const done = await rowsWhen(dir, "every job finished", (rows) =>
			rows.every((r) => r.state === "finished"),
		);
		// Back, ws2 took work again.
		assert.equal(done.find((r) => r.id === queued?.id)?.host, "ws2", JSON.stringify(done));
		const out = await execa("cat", [join(dir, "long.out")]);
		assert.equal(out.stdout.split("\n").filter((l) => l.includes("EEEEEEEEEE STARTING")).length, 1);
		assert.match(out.stdout, /EEEEEEEEEE TERMINATION/);
		await Promise.all([first, rest]);
	});

	test("a start_command brings a host up only when jobs wait, and its stop_command takes it down when idle", async () => {
		ws3.kill();
		await stopped(ws3);
		const stopCommand = ["sh", "-c", `p=$(cat ${ws3.pidFile}) && pkill -KILL -P "$p"; kill "$p"`];
		const dir = await project(
			["e1", "e2", "e3"],
			`${hostEntry("ws1", Number(env.TEST_SSH_PORT), bin, 0.02)}
${hostEntry("ws3", ws3.port, bin, 0.02)}
[pools.lab]
hosts = ["ws1", "ws3"]
check_seconds = 1
[pools.lab.host.ws1]
cores = 1
[pools.lab.host.ws3]
cores = 2
start_command = ${toml(ws3.command)}
stop_command = ${toml(stopCommand)}
idle_minutes = 0.05
`,
		);
		const one = background(dir, ["e1.d12", "--host", "lab"]);
		await rowsWhen(dir, "e1 running on ws1", (rows) =>
			rows.some((r) => r.id === "e1" && r.state === "running"),
		);
		assert.equal(ws3.running(), false, "nothing waits: ws3 is not started");
		const more = await crystalTui(["run", "e2.d12", "e3.d12", "--host", "lab", "--no-tui"], { cwd: dir });
		assert.equal(more.exitCode, 0, more.all);
		const rows = await status(dir);
		assert.ok(
			rows.some((r) => r.host === "ws3" && r.state === "finished"),
			`a waiting job ran on the started host: ${JSON.stringify(rows)}`,
		);
		await one;
		await waitFor("ws3 stopped after being idle", () => !ws3.running() && !existsSync(ws3.pidFile), 60_000);
	});

	test("a supervisor killed mid-run follows a pool's job again on the host it went to", async () => {
		const dir = await project(
			["k1"],
			`${hostEntry("ws1", Number(env.TEST_SSH_PORT), bin, 0.02)}
${hostEntry("ws2", ws2.port, bin, 0.02)}
[pools.lab]
hosts = ["ws1", "ws2"]
check_seconds = 1
[pools.lab.host.ws1]
cores = 1
[pools.lab.host.ws2]
cores = 2
`,
		);
		const run = background(dir, ["k1.d12", "--host", "lab"]);
		await rowsWhen(dir, "k1 running on ws2", (rows) =>
			rows.some((r) => r.state === "running" && r.host === "ws2"),
		);
		killSupervisor();
		const [row] = await rowsWhen(dir, "k1 finished", (rows) => rows.every((r) => r.state === "finished"));
		assert.equal(row?.host, "ws2");
		assert.equal(row?.placement, "ws2: 2 of 2 cores free");
		const out = await execa("cat", [join(dir, "k1.out")]);
		assert.equal(out.stdout.split("\n").filter((l) => l.includes("EEEEEEEEEE STARTING")).length, 1);
		await run;
	});

	test("a host without declared cores is counted by its nproc and the load of other users", async () => {
		const nproc = execFileSync("nproc", { encoding: "utf8" }).trim();
		const dir = await project(
			["n1"],
			`${hostEntry("ws1", Number(env.TEST_SSH_PORT), bin, 0.01)}
[pools.lab]
hosts = ["ws1"]
check_seconds = 1
`,
		);
		const run = background(dir, ["n1.d12", "--host", "lab"]);
		// Placed (this machine's load permitting), or waiting with the same figures said.
		const counted = new RegExp(`ws1:? \\d+ of ${nproc} cores free`);
		const [row] = await rowsWhen(dir, "n1 placed or waiting on the figures of ws1", (rows) =>
			rows.some(
				(r) => counted.test(r.placement ?? "") || (r.state === "queued" && counted.test(r.detail ?? "")),
			),
		);
		assert.ok(row);
		await crystalTui(["stop", "--all", "--force"], { cwd: dir });
		await run;
	});

	test("an unknown --host names the hosts, clusters and pools there are", async () => {
		const dir = await project(
			["x"],
			`${hostEntry("ws1", Number(env.TEST_SSH_PORT), bin, 0.02)}
[pools.lab]
hosts = ["ws1"]
`,
		);
		const r = await crystalTui(["run", "x.d12", "--host", "nowhere", "--no-tui"], { cwd: dir });
		assert.equal(r.exitCode, 2, r.all);
		assert.match(
			r.stderr,
			/--host nowhere: no \[hosts\.nowhere\].*known hosts: ws1; known clusters: none; known pools: lab/,
		);
	});

	test("a pool naming a host that is not defined is refused, naming it", async () => {
		const dir = await project(["x"], `[pools.lab]\nhosts = ["ws9"]\n`);
		const r = await crystalTui(["run", "x.d12", "--host", "lab", "--no-tui"], { cwd: dir });
		assert.notEqual(r.exitCode, 0);
		assert.match(r.all, /crystal-tui\.toml: pools\.lab\.hosts: no \[hosts\.ws9\] is defined/);
	});
});
