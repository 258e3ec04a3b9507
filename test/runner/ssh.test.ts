/**
 * The SSH backend against a real sshd on loopback (.ci/infra/setup-test-infra.sh): jobs staged,
 * run under nohup setsid, followed, stopped and retrieved through the system OpenSSH client.
 */
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { HostConfig } from "../../source/config/load.js";
import { readDeck } from "../../source/crystal/deck.js";
import { LaunchError } from "../../source/runner/runner.js";
import { download, upload } from "../../source/runner/ssh/transfer.js";
import { SshBackend } from "../../source/runner/ssh.js";
import {
	after,
	atEnd,
	before,
	controlSocketDir,
	describe,
	it,
	loopbackHost,
	loopbackJob,
	loopbackSshArgs,
	loopbackSshd,
	mockCrystalBin,
	requireOrSkip,
	tempDir,
	uploadMockCrystal,
	waitFor,
	waitForEnd,
} from "../helpers/infra.js";
import { deck } from "../helpers/project.js";

const env = process.env;
const skip = requireOrSkip(loopbackSshd);
const tag = `${process.pid}-${Date.now().toString(36)}`;

const hostConfig = (overrides: Partial<HostConfig> = {}): HostConfig =>
	loopbackHost({
		name: "loopback",
		file: "test",
		remoteRoot: `ct-test-${tag}`,
		crystalDir: `ct-test-${tag}/bin`,
		env: { CRYSTAL_MOCK_DELAY: "0.05" },
		...overrides,
	});

const makeJob = (projectDir: string, sub: string, name: string, inputs: Record<string, string> = {}) =>
	loopbackJob(projectDir, sub, name, { runner: "ssh", inputs });

/** Runs a command as the remote user and returns its stdout. */
const remote = (backend: SshBackend, script: string) => backend.connection.exec(script);

describe("ssh backend", { skip }, () => {
	let backend: SshBackend;
	let projectDir: string;
	let home: string;

	before(async () => {
		projectDir = join(tempDir("ctp-"), "project");
		mkdirSync(projectDir);
		backend = new SshBackend({
			host: hostConfig(),
			projectDir,
			connection: { controlDir: controlSocketDir() },
		});
		home = await backend.remoteHome();
		// The mock CRYSTAL goes to the host over the backend's own transfer code.
		const names = await uploadMockCrystal(backend.connection, `${home}/ct-test-${tag}/bin`);
		assert.ok(names.includes("crystalOMP"), `no mock crystalOMP in ${mockCrystalBin}`);
		atEnd(() => {
			spawnSync("ssh", [...loopbackSshArgs(), `rm -rf ${home}/ct-test-${tag}`]);
		});
	});
	after(async () => {
		await backend?.close();
	});

	it("runs a job end to end: inputs staged, output followed, results retrieved", async () => {
		const job = makeJob(projectDir, "mgo/scf", "mgo", { "mgo.gui": "geometry\n" });
		await backend.preflight(job);
		const handle = await backend.launch(job, readDeck(deck("MGO SCF")));
		// The project's folder there: its name and a hash of its local path.
		assert.match(handle.workDir, new RegExp(`^${home}/ct-test-${tag}/project-[0-9a-f]{8}/mgo/scf$`));
		assert.ok(handle.pgid && handle.pgid > 1);
		const received: Buffer[] = [];
		const follower = backend.follow(handle, `${job.name}.out`, 0, {
			data: (c) => received.push(c),
			trouble: () => {},
		});
		const end = await waitForEnd(backend, handle);
		await follower.drain();
		follower.close();
		assert.equal(end.exit?.code, 0);
		assert.equal(end.exit?.how, "completed");
		const remoteOut = await remote(backend, `cat ${handle.workDir}/mgo.out`);
		assert.ok(remoteOut.length > 0);
		assert.equal(Buffer.concat(received).toString("utf8"), remoteOut);
		// Inputs were staged remotely, with their modification times kept.
		assert.equal(await remote(backend, `cat ${handle.workDir}/mgo.gui`), "geometry\n");
		await backend.retrieve(handle, job);
		assert.equal(readFileSync(join(job.dir, "mgo.out"), "utf8"), remoteOut);
		assert.ok(existsSync(join(job.dir, "mgo.f9")), "the wave function fort.9 came back as mgo.f9");
	});

	it("finds a job whose launch was cut short from its PID record on the host", async () => {
		const job = makeJob(projectDir, "recover", "mgo");
		const since = Date.now();
		const handle = await backend.launch(job, readDeck(deck("MGO SCF")));
		// What a crystal-tui that stopped before recording this handle finds at the next start.
		const found = await backend.recover(job, since);
		assert.equal(found?.pgid, handle.pgid);
		assert.equal(found?.pidStart, handle.pidStart);
		assert.equal(found?.runDir, handle.runDir);
		assert.ok(found && (await backend.liveness(found)).alive, "followed as the running job");
		// For a launch begun after the record was written, the record is an earlier run's.
		assert.equal(await backend.recover(job, Date.now() + 60_000), null);
		const end = await waitForEnd(backend, handle);
		assert.equal(end.exit?.code, 0);
		// Ended since: no process under the record, and its end read from the exit record.
		const after = await backend.recover(job, since);
		assert.equal(after?.pgid, null);
		assert.equal(after && (await backend.liveness(after)).alive, false);
	});

	it("sends an input once and again only when it changed", async () => {
		const dir = tempDir("ctu-");
		writeFileSync(join(dir, "a.d12"), "one\n");
		const target = `${home}/ct-test-${tag}/upload`;
		assert.deepEqual(await upload(backend.connection, dir, ["a.d12", "absent.gui"], target), ["a.d12"]);
		assert.deepEqual(await upload(backend.connection, dir, ["a.d12"], target), []);
		writeFileSync(join(dir, "a.d12"), "two!\n");
		utimesSync(join(dir, "a.d12"), new Date(), new Date(Date.now() + 5000));
		assert.deepEqual(await upload(backend.connection, dir, ["a.d12"], target), ["a.d12"]);
		assert.equal(await remote(backend, `cat ${target}/a.d12`), "two!\n");
	});

	it("brings results back whole or not at all: a transfer that fails leaves the local copies as they were", async () => {
		const dir = tempDir("ctd-");
		writeFileSync(join(dir, "r.f9"), "the earlier wave function\n");
		const source = `${home}/ct-test-${tag}/download`;
		// r.f98 cannot be read there: the stream breaks after r.f9 went through it.
		await remote(
			backend,
			`mkdir -p ${source} && printf 'new\\n' > ${source}/r.f9 && printf 'x\\n' > ${source}/r.f98 && chmod 000 ${source}/r.f98`,
		);
		await assert.rejects(
			download(backend.connection, source, ["r.f9", "r.f98"], dir),
			/copying results back/,
		);
		assert.equal(readFileSync(join(dir, "r.f9"), "utf8"), "the earlier wave function\n");
		assert.deepEqual(readdirSync(dir), ["r.f9"], "no partial file and no unpacking folder left");
		await remote(backend, `chmod 600 ${source}/r.f98`);
		assert.deepEqual(await download(backend.connection, source, ["r.f9", "r.f98"], dir), ["r.f9", "r.f98"]);
		assert.equal(readFileSync(join(dir, "r.f9"), "utf8"), "new\n");
		assert.deepEqual(readdirSync(dir).sort(), ["r.f9", "r.f98"]);
	});

	it("resumes the output exactly after the connection is killed mid-run", async () => {
		const job = makeJob(projectDir, "drop", "drop");
		const slow = new SshBackend({
			host: hostConfig({ env: { CRYSTAL_MOCK_DELAY: "0.1" } }),
			projectDir,
			connection: { controlDir: controlSocketDir() },
			follow: { backoffMs: { first: 200, max: 1000 } },
		});
		atEnd(() => void slow.close());
		const handle = await slow.launch(job, readDeck(deck("MGO SCF")));
		const received: Buffer[] = [];
		const troubles: string[] = [];
		const follower = slow.follow(handle, `${job.name}.out`, 0, {
			data: (c) => received.push(c),
			trouble: (m) => troubles.push(m),
		});
		await waitFor("some output", async () => Buffer.concat(received).length > 20);
		// Kill the ControlMaster: every session through it (the tail included) drops at once.
		const check = spawnSync(
			"ssh",
			[...loopbackSshArgs(slow.connection.controlDir), "-O", "check", "--", env.TEST_SSH_HOST ?? ""],
			{
				encoding: "utf8",
			},
		);
		const pid = Number(/pid=(\d+)/.exec(check.stderr)?.[1]);
		assert.ok(pid > 1, `no master pid in: ${check.stderr}`);
		process.kill(pid, "SIGKILL");
		const end = await waitForEnd(slow, handle);
		await follower.drain();
		follower.close();
		assert.equal(end.exit?.code, 0);
		assert.ok(troubles.length > 0, "the drop was reported");
		assert.match(troubles[0] ?? "", /connection to loopback lost/);
		const remoteOut = await remote(slow, `cat ${handle.workDir}/drop.out`);
		const got = Buffer.concat(received).toString("utf8");
		// Byte equality with the remote file: no gap, and no line twice (CRYSTAL output repeats
		// identical lines of its own, so counting distinct lines would prove nothing).
		assert.equal(got, remoteOut, "every byte once, in order");
		await slow.close();
	});

	it("stops a job: SIGTERM to its group, and nothing of it is left on the host", async () => {
		const job = makeJob(projectDir, "stop", "stop");
		const slow = new SshBackend({
			host: hostConfig({ env: { CRYSTAL_MOCK_DELAY: "1" } }),
			projectDir,
			connection: { controlDir: controlSocketDir() },
		});
		const handle = await slow.launch(job, readDeck(deck("MGO SCF")));
		const pg = handle.pgid;
		await waitFor(
			"the job to run",
			async () => (await remote(backend, `ps -o pid= -g ${pg} | wc -l`)).trim() !== "0",
		);
		await slow.kill(handle, { force: false, graceMs: 5000 });
		const end = await waitForEnd(slow, handle);
		await slow.close();
		assert.equal(end.exit?.how, "terminated");
		const left = await remote(backend, `ps -e -o pgid=,pid=,args= | awk '$1 == ${pg}' || true`);
		assert.equal(left.trim(), "", `processes of the job left: ${left}`);
	});

	it("runs a job whose folder and name hold quotes, $(...), backticks, ; and a newline, executing nothing", async () => {
		const evil = `we'ird $(touch PWNED1) \`touch PWNED2\`; touch PWNED3 "q"\nx`;
		const job = makeJob(projectDir, `dir $(touch PWNED4) ';touch PWNED5'`, evil, { [`${evil}.gui`]: "g\n" });
		await backend.preflight(job);
		const handle = await backend.launch(job, readDeck(deck("MGO SCF")));
		const end = await waitForEnd(backend, handle);
		assert.equal(end.exit?.code, 0);
		await backend.retrieve(handle, job);
		assert.ok(readFileSync(join(job.dir, `${evil}.out`), "utf8").length > 0);
		assert.ok(existsSync(join(job.dir, `${evil}.f9`)));
		const found = await remote(backend, `find ${home} /tmp -name 'PWNED*' 2>/dev/null; true`);
		assert.equal(found.trim(), "", "nothing was executed from a name");
		assert.equal(execFileSync("find", [projectDir, "-name", "PWNED*"], { encoding: "utf8" }), "");
	});
});

describe("ssh backend failures", { skip }, () => {
	const job = () => makeJob(join(tempDir("ctf-"), "p"), ".", "f");

	const preflightError = async (host: Partial<HostConfig>): Promise<string> => {
		const b = new SshBackend({
			host: hostConfig(host),
			projectDir: tempDir("ctf-"),
			connection: { controlDir: controlSocketDir() },
		});
		try {
			await b.preflight(job());
		} catch (error) {
			assert.ok(error instanceof LaunchError, `not a LaunchError: ${String(error)}`);
			return error.message;
		} finally {
			await b.close();
		}
		assert.fail("preflight passed");
	};

	it("refuses an unknown host key", async () => {
		const empty = join(tempDir("ctk-"), "known_hosts");
		writeFileSync(empty, "");
		const message = await preflightError({
			sshOptions: { UserKnownHostsFile: empty, IdentitiesOnly: "yes" },
		});
		assert.match(message, /host key of loopback is not in known_hosts/);
		assert.match(message, /accept_new_host_key/);
	});

	it("accepts a new host key only when the host config opts in, and records it", async () => {
		const file = join(tempDir("ctk-"), "known_hosts");
		writeFileSync(file, "");
		const b = new SshBackend({
			host: hostConfig({
				acceptNewHostKey: true,
				sshOptions: { UserKnownHostsFile: file, IdentitiesOnly: "yes" },
			}),
			projectDir: tempDir("ctf-"),
			connection: { controlDir: controlSocketDir() },
		});
		assert.match(await b.remoteHome(), /^\//);
		await b.close();
		assert.match(readFileSync(file, "utf8"), /ssh-ed25519/);
	});

	it("says when authentication is refused", async () => {
		const dir = tempDir("ctk-");
		execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", join(dir, "other")]);
		const message = await preflightError({ identityFile: join(dir, "other") });
		assert.match(message, /authentication refused by loopback/);
	});

	it("says when the host is unreachable", async () => {
		const message = await preflightError({ port: 1 });
		assert.match(message, /host loopback is unreachable: .*Connection refused/);
	});

	it("says when CRYSTAL is not on the host", async () => {
		const message = await preflightError({ crystalDir: "/nonexistent/crystal/bin" });
		assert.match(message, /CRYSTAL not found on loopback: \/nonexistent\/crystal\/bin\/crystalOMP/);
	});

	it("says when the remote disk is full", {
		skip: process.getuid?.() !== 0 ? "skipped: needs root to mount a tiny tmpfs" : false,
	}, async () => {
		const mnt = tempDir("ctfull-");
		execFileSync("mount", ["-t", "tmpfs", "-o", "size=64k,mode=1777", "tmpfs", mnt]);
		atEnd(() => spawnSync("umount", [mnt]));
		const b = new SshBackend({
			host: hostConfig({ remoteRoot: mnt, env: {} }),
			projectDir: tempDir("ctf-"),
			connection: { controlDir: controlSocketDir() },
		});
		await assert.rejects(b.preflight(job()), /remote disk full on loopback: only \d+ kB free/);
		// And when the disk fills during the transfer itself, the same clear message.
		const big = makeJob(join(tempDir("ctf-"), "p"), ".", "big", { "big.gui": "x".repeat(200_000) });
		const lenient = new SshBackend({
			host: hostConfig({ remoteRoot: mnt, env: {} }),
			projectDir: big.dir,
			connection: { controlDir: controlSocketDir() },
			minFreeKb: 0,
		});
		await assert.rejects(lenient.launch(big, readDeck(deck("X"))), /remote disk full on loopback/);
		await b.close();
		await lenient.close();
	});
});
