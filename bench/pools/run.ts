/**
 * A pool against one host: 12 short jobs run with `--host` a pool of three members, then the
 * same 12 jobs on a pool of one of them, each member with the same declared cores. Prints both
 * makespans (from `run` asked to its return, as a user waits for it), their ratio and the ideal
 * ratio (3: three hosts' cores instead of one's). The members are sshd on loopback (the one of
 * .ci/infra on $TEST_SSH_PORT and two more started here with the same keys), so the jobs are
 * the mock CRYSTAL, which waits rather than computes: the figure is what placement and the
 * queue cost, not what the machine's cores allow.
 *
 *   source /tmp/infra.env   (the variables of .ci/infra/setup-test-infra.sh)
 *   npm run build && node_modules/.bin/node --import tsx bench/pools/run.ts
 *
 * BENCH_CORES (default 2) cores per member, BENCH_DELAY (default 0.01) CRYSTAL_MOCK_DELAY.
 */
import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = join(import.meta.dirname, "..", "..");
const cli = join(root, "bin", "crystal-tui");
const env = process.env;
const cores = Number(env.BENCH_CORES ?? 2);
const delay = env.BENCH_DELAY ?? "0.01";
const jobs = 12;
for (const name of [
	"TEST_SSH_PORT",
	"TEST_SSH_USER",
	"TEST_SSH_KEY",
	"TEST_SSH_KNOWN_HOSTS",
	"TEST_INFRA_DIR",
]) {
	if (!env[name]) throw new Error(`${name} is not set: source the output of .ci/infra/setup-test-infra.sh`);
}

const work = mkdtempSync(join(tmpdir(), "ct-bench-pools-"));
const bin = join(work, "bin");
cpSync(join(root, "fixtures", "bin"), bin, { recursive: true });
execFileSync("chmod", ["-R", "a+rX", work]);

const freePort = () =>
	new Promise<number>((resolve) => {
		const server = createServer().listen(0, "127.0.0.1", () => {
			const address = server.address();
			server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
		});
	});

/** Two more sshd beside the one of .ci/infra: its config, another port and pid file each. */
const extra: string[] = [];
const ports = [Number(env.TEST_SSH_PORT)];
for (let i = 0; i < 2; i++) {
	const port = await freePort();
	const pidFile = join(work, `sshd-${port}.pid`);
	const config = join(env.TEST_INFRA_DIR as string, "ssh", "sshd_config");
	execFileSync("/usr/sbin/sshd", ["-f", config, "-p", String(port), "-o", `PidFile=${pidFile}`]);
	extra.push(pidFile);
	ports.push(port);
}

const host = (name: string, port: number) => `[hosts.${name}]
address = "127.0.0.1"
port = ${port}
user = ${JSON.stringify(env.TEST_SSH_USER)}
identity_file = ${JSON.stringify(env.TEST_SSH_KEY)}
ssh_options = { UserKnownHostsFile = ${JSON.stringify(env.TEST_SSH_KNOWN_HOSTS)}, IdentitiesOnly = "yes", HostKeyAlias = "[127.0.0.1]:${env.TEST_SSH_PORT}" }
remote_root = "crystal-tui-bench-pools"
crystal_dir = ${JSON.stringify(bin)}
env = { CRYSTAL_MOCK_DELAY = "${delay}" }
`;

const deck = (title: string) =>
	`${title}\nCRYSTAL\n0 0 0\n225\n4.21\n2\n12 0.0 0.0 0.0\n8 0.5 0.5 0.5\nEND\n12 3\n1 0 3  2.  0.\n1 1 3  8.  0.\n1 1 3  2.  0.\n8 2\n1 0 3  2.  0.\n1 1 3  6.  0.\n99 0\nEND\nSHRINK\n8 8\nEND\n`;

/** Runs the 12 jobs on a pool of `members` hosts; the makespan in seconds. */
function makespan(label: string, members: number): number {
	const dir = join(work, label);
	execFileSync("mkdir", ["-p", dir]);
	const names = Array.from({ length: jobs }, (_, i) => `job${i + 1}`);
	for (const name of names) writeFileSync(join(dir, `${name}.d12`), deck(`MgO ${name}`));
	const hosts = ports.slice(0, members).map((port, i) => host(`ws${i + 1}`, port));
	const limits = ports
		.slice(0, members)
		.map((_, i) => `[pools.lab.host.ws${i + 1}]\ncores = ${cores}\n`)
		.join("");
	const list = ports
		.slice(0, members)
		.map((_, i) => `"ws${i + 1}"`)
		.join(", ");
	writeFileSync(
		join(dir, "crystal-tui.toml"),
		`${hosts.join("\n")}\n[pools.lab]\nhosts = [${list}]\ncheck_seconds = 1\n${limits}`,
	);
	// A supervisor of its own for each: both pay its start and their hosts' first check alike.
	const runtime = mkdtempSync(join(tmpdir(), "ct-bench-rt-"));
	const runEnv = {
		...env,
		XDG_RUNTIME_DIR: runtime,
		NO_COLOR: "1",
		CRYSTAL_TUI_SUPERVISOR_IDLE_SECONDS: "3",
	};
	const start = performance.now();
	execFileSync(cli, ["run", ...names.map((n) => `${n}.d12`), "--host", "lab", "--no-tui"], {
		cwd: dir,
		env: runEnv,
		stdio: "ignore",
	});
	const end = performance.now();
	const rows = JSON.parse(
		execFileSync(cli, ["status", "--json"], { cwd: dir, env: runEnv, encoding: "utf8" }),
	) as {
		state: string;
	}[];
	const bad = rows.filter((r) => r.state !== "finished");
	if (bad.length) throw new Error(`${label}: ${bad.length} jobs did not finish: ${JSON.stringify(bad)}`);
	return (end - start) / 1000;
}

try {
	const pool = makespan("three-hosts", 3);
	const one = makespan("one-host", 1);
	console.log(`${jobs} jobs, ${cores} declared cores per host, CRYSTAL_MOCK_DELAY=${delay}`);
	console.log(`one host:    makespan ${one.toFixed(1)} s`);
	console.log(`three hosts: makespan ${pool.toFixed(1)} s`);
	console.log(`ratio ${(one / pool).toFixed(2)}   (ideal ${(3).toFixed(2)})`);
} finally {
	for (const pidFile of extra) {
		try {
			const pid = Number(readFileSync(pidFile, "utf8"));
			execFileSync("sh", ["-c", `pkill -KILL -P ${pid}; kill ${pid}`]);
		} catch {
			// already gone
		}
	}
	rmSync(work, { recursive: true, force: true });
}
