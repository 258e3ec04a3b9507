import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { ConfigError, loadConfig } from "../../source/config/load.js";
import { settingsFrom } from "../../source/jobs/settings.js";

const made: string[] = [];
after(() => {
	for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

function project(text: string | null, user?: string): { dir: string; userFile: string | null } {
	const dir = mkdtempSync(join(tmpdir(), "crystal-tui-config-"));
	made.push(dir);
	if (text !== null) writeFileSync(join(dir, "crystal-tui.toml"), text);
	let userFile: string | null = null;
	if (user !== undefined) {
		userFile = join(dir, "user.toml");
		writeFileSync(userFile, user);
	}
	return { dir, userFile };
}

const load = (text: string | null, user?: string) => {
	const p = project(text, user);
	return loadConfig(p.dir, { userFile: p.userFile });
};

const failsWith = (text: string, pattern: RegExp) =>
	assert.throws(
		() => load(text),
		(error: unknown) => {
			assert.ok(error instanceof ConfigError, `not a ConfigError: ${String(error)}`);
			assert.match(error.message, pattern);
			return true;
		},
	);

describe("loadConfig", () => {
	it("reads hosts, clusters and defaults into a typed config", () => {
		const config = load(`
[defaults]
runner = "slurm"
host = "hpc"
ranks = 4
max_jobs = 2

[hosts.login]
address = "login.example.org"
user = "alice"
port = 2200
ssh_options = { ServerAliveInterval = 20, Compression = true }
remote_root = "/scratch/alice/ct"
crystal_dir = "/opt/crystal23/bin"
env = { OMP_STACKSIZE = "512M" }

[clusters.hpc]
host = "login"
partition = "compute"
account = "chem-42"
qos = "normal"
time = "1-12:00:00"
memory = "32G"
ntasks = 16
cpus_per_task = 2
modules = ["crystal/23", "intel-mpi/2021"]
poll_interval_seconds = 45
`);
		assert.equal(config.defaults.runner, "slurm");
		assert.equal(config.defaults.ranks, 4);
		assert.equal(config.defaults.maxJobs, 2);
		const host = config.hosts.login;
		assert.ok(host);
		assert.equal(host.port, 2200);
		assert.deepEqual(host.sshOptions, { ServerAliveInterval: "20", Compression: "yes" });
		assert.equal(host.remoteRoot, "/scratch/alice/ct");
		assert.equal(host.acceptNewHostKey, false);
		const cluster = config.clusters.hpc;
		assert.ok(cluster);
		assert.equal(cluster.host, "login");
		assert.equal(cluster.time, "1-12:00:00");
		assert.deepEqual(cluster.modules, ["crystal/23", "intel-mpi/2021"]);
		assert.equal(cluster.pollIntervalSeconds, 45);
		assert.equal(cluster.mpiLauncher, "srun");
	});

	it("gives defaults when nothing is configured", () => {
		const config = load(null);
		assert.deepEqual(config.hosts, {});
		assert.deepEqual(config.files, []);
	});

	it("lets the project file win over the user file", () => {
		const config = load(
			`[defaults]\nranks = 8\n[hosts.a]\naddress = "project.example"\n`,
			`[defaults]\nranks = 2\nthreads = 3\n[hosts.a]\naddress = "user.example"\n[hosts.b]\naddress = "b.example"\n`,
		);
		assert.equal(config.defaults.ranks, 8);
		assert.equal(config.defaults.threads, 3);
		assert.equal(config.hosts.a?.address, "project.example");
		assert.equal(config.hosts.b?.address, "b.example");
		assert.equal(config.files.length, 2);
	});

	it("names the file and key path of a value of the wrong type", () => {
		failsWith(
			`[hosts.cluster1]\naddress = "x"\nport = "22"\n`,
			/^crystal-tui\.toml: hosts\.cluster1\.port: expected a number$/m,
		);
	});

	it("names a missing required key", () => {
		failsWith(`[hosts.h]\nuser = "bob"\n`, /crystal-tui\.toml: hosts\.h\.address: missing/);
	});

	it("names an unknown key (a typo is not silently ignored)", () => {
		failsWith(`[clusters.c]\npartiton = "short"\n`, /crystal-tui\.toml: clusters\.c\.partiton: unknown key/);
	});

	it("refuses values SLURM would misread or a shell could run", () => {
		failsWith(
			`[clusters.c]\npartition = "short; rm -rf ~"\n`,
			/clusters\.c\.partition: expected a SLURM name/,
		);
		failsWith(`[clusters.c]\ntime = "two hours"\n`, /clusters\.c\.time: expected a SLURM time/);
		failsWith(`[clusters.c]\nmemory = "lots"\n`, /clusters\.c\.memory: expected a memory size/);
		failsWith(
			`[clusters.c]\nenv = { "A B" = "x" }\n`,
			/clusters\.c\.env\.A B: expected an environment variable name/,
		);
		failsWith(
			`[clusters.c]\nmodules = ["crystal\\nrm -rf ~"]\n`,
			/clusters\.c\.modules\.0: a module name must not contain a newline/,
		);
		failsWith(`[hosts.h]\naddress = "-oProxyCommand=evil"\n`, /hosts\.h\.address: expected a host name/);
		failsWith(
			`[hosts.h]\naddress = "h"\nssh_options = { "Proxy Command" = "x" }\n`,
			/hosts\.h\.ssh_options\.Proxy Command: expected an ssh option name/,
		);
	});

	it("reports a TOML syntax error with its line", () => {
		failsWith(`[hosts.h]\naddress = \n`, /^crystal-tui\.toml:2:\d+: /);
	});

	it("refuses a cluster that goes through an undefined host", () => {
		failsWith(`[clusters.c]\nhost = "nowhere"\n`, /clusters\.c\.host: no \[hosts\.nowhere\] is defined/);
	});

	it('treats host = "local" as submission on this machine', () => {
		const config = load(`[clusters.c]\nhost = "local"\n`);
		assert.equal(config.clusters.c?.host, undefined);
	});

	it("reads a pool: its members in order, their limits and commands", () => {
		const config = load(
			`[hosts.a]\naddress = "a"\n[hosts.b]\naddress = "b"\n[pools.lab]\nhosts = ["b", "a"]\n[pools.lab.host.a]\ncores = 8\nmax_jobs = 2\nstart_command = ["wakeonlan", "aa:bb"]\nidle_minutes = 5\n`,
		);
		const pool = config.pools?.lab;
		assert.deepEqual(
			pool?.members.map((m) => m.host),
			["b", "a"],
		);
		assert.deepEqual(pool?.members[1], {
			host: "a",
			cores: 8,
			maxJobs: 2,
			startCommand: ["wakeonlan", "aa:bb"],
			idleMinutes: 5,
		});
		assert.equal(pool?.checkSeconds, 15);
	});

	it("refuses pool entries that cannot be meant, naming the key", () => {
		const hosts = `[hosts.a]\naddress = "a"\n`;
		failsWith(`${hosts}[pools.lab]\nhosts = ["a", "a"]\n`, /pools\.lab\.hosts: a is listed twice/);
		failsWith(
			`${hosts}[pools.lab]\nhosts = ["a"]\n[pools.lab.host.b]\ncores = 2\n`,
			/pools\.lab\.host\.b: b is not in hosts/,
		);
		failsWith(`${hosts}[pools.a]\nhosts = ["a"]\n`, /pools\.a: a \[hosts\.a\].*same name/);
		failsWith(
			`${hosts}[pools.lab]\nhosts = ["a"]\n[pools.lab.host.a]\nstart_command = "wake a"\n`,
			/pools\.lab\.host\.a\.start_command: expected a list/,
		);
		failsWith(
			`${hosts}[pools.lab]\nhosts = ["a"]\n[pools.lab.host.a]\nstart_command = []\n`,
			/start_command: expected a command as a list/,
		);
	});
});

describe("the recovery policy keys", () => {
	it("merges [defaults] key by key over the user's file, and reads them in host and cluster entries", () => {
		const config = load(
			'[defaults]\nrecover = "auto"\n[hosts.ws]\naddress = "ws"\nrecover = "ask"\nmax_attempts = 5\n[clusters.hpc]\nfrozen_minutes = 90\n',
			"[defaults]\nmax_attempts = 4\nfrozen_minutes = 10\n",
		);
		assert.deepEqual(config.defaults.recovery, { recover: "auto", maxAttempts: 4, frozenMinutes: 10 });
		assert.deepEqual(config.hosts.ws?.recovery, { recover: "ask", maxAttempts: 5 });
		assert.deepEqual(config.clusters.hpc?.recovery, { frozenMinutes: 90 });
	});

	it("refuses a value it cannot use, naming the key", () => {
		failsWith('[defaults]\nrecover = "yes"\n', /defaults\.recover/);
		failsWith("[defaults]\nmax_attempts = 0\n", /defaults\.max_attempts/);
		failsWith('[hosts.ws]\naddress = "ws"\nfrozen_minutes = -1\n', /hosts\.ws\.frozen_minutes/);
	});
});

describe("the recovery policy of a run", () => {
	it("takes --recover, else the host's or cluster's entry, else [defaults], key by key; off by default", () => {
		const config = load(
			'[defaults]\nrecover = "ask"\nmax_attempts = 4\n[hosts.ws]\naddress = "ws"\nrecover = "auto"\n[clusters.hpc]\nmax_attempts = 2\n',
		);
		const policy = (flags: { host?: string; recover?: string }) => settingsFrom(flags, config).recovery;
		assert.deepEqual(policy({}), { mode: "ask", maxAttempts: 4, frozenMinutes: 30 });
		assert.deepEqual(policy({ host: "ws" }), { mode: "auto", maxAttempts: 4, frozenMinutes: 30 });
		assert.deepEqual(policy({ host: "hpc" }), { mode: "ask", maxAttempts: 2, frozenMinutes: 30 });
		assert.deepEqual(policy({ host: "ws", recover: "off" }), {
			mode: "off",
			maxAttempts: 4,
			frozenMinutes: 30,
		});
		assert.deepEqual(settingsFrom({}).recovery, { mode: "off", maxAttempts: 3, frozenMinutes: 30 });
	});
});
