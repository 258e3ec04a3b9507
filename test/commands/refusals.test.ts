/**
 * Wrong input is refused before anything starts, through the real binary, with a message that
 * names the value and what to do: no job folder, no NAME.out, exit status 2.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { chmod, copyFile, mkdir, mkdtemp, symlink, writeFile } from "node:fs/promises";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { loopbackHostEntry, loopbackSshd, requireOrSkip, sharedTempDir } from "../helpers/infra.js";
import { crystalTui, deck, mockBin, removeProject, tempProject } from "../helpers/project.js";

const toml = (value: string) => JSON.stringify(value);

/** A project with one deck, mgo.d12, and the given crystal-tui.toml. */
async function project(config = ""): Promise<string> {
	return tempProject({ "mgo.d12": deck("MgO bulk"), ...(config ? { "crystal-tui.toml": config } : {}) });
}

/** Runs crystal-tui, expects exit 2 with `message` and no trace of a started job. */
async function refused(dir: string, args: string[], message: RegExp): Promise<string> {
	const result = await crystalTui(args, { cwd: dir });
	assert.equal(result.exitCode, 2, `${args.join(" ")}: ${result.all}`);
	assert.match(result.stderr, message);
	assert.equal(existsSync(join(dir, "mgo.out")), false, "no job was started");
	assert.equal(existsSync(join(dir, ".crystal-tui", "runs")), false, "no job folder was made");
	return result.stderr;
}

test("a host or cluster that is not configured is an error listing the configured ones", async () => {
	const dir = await project(`[hosts.ws]\naddress = "ws.example.org"\n[clusters.hpc]\npartition = "debug"\n`);
	try {
		await refused(
			dir,
			["run", "mgo.d12", "--host", "wss", "--no-tui"],
			/--host wss: no \[hosts\.wss\] or \[clusters\.wss\] in .*crystal-tui\.toml \(known hosts: ws; known clusters: hpc\)/,
		);
		await writeFile(join(dir, "crystal-tui.toml"), `[defaults]\nhost = "wss"\n[hosts.ws]\naddress = "ws"\n`);
		await refused(dir, ["run", "mgo.d12", "--no-tui"], /defaults\.host = wss: no \[hosts\.wss\]/);
	} finally {
		await removeProject(dir);
	}
});

test("a crystal folder without the executables is an error naming the folder and what is missing", async () => {
	const dir = await project();
	const empty = await mkdtemp(join(tmpdir(), "crystal-tui-empty-"));
	const serialOnly = await mkdtemp(join(tmpdir(), "crystal-tui-serial-"));
	await copyFile(join(mockBin, "crystalOMP"), join(serialOnly, "crystalOMP"));
	await chmod(join(serialOnly, "crystalOMP"), 0o755);
	try {
		// CRY23_EXEDIR holds the mock CRYSTAL: the named folder must not silently fall back to it.
		await refused(
			dir,
			["run", "mgo.d12", "--crystal-dir", empty, "--no-tui"],
			new RegExp(
				`${empty} \\(--crystal-dir or crystal_dir\\) has no executable crystalOMP; it holds no CRYSTAL executable`,
			),
		);
		await refused(
			dir,
			["run", "mgo.d12", "--crystal-dir", join(empty, "nope"), "--no-tui"],
			/nope \(--crystal-dir or crystal_dir\) has no executable crystalOMP; the folder does not exist/,
		);
		await writeFile(join(dir, "crystal-tui.toml"), `[defaults]\ncrystal_dir = ${toml(serialOnly)}\n`);
		await refused(
			dir,
			["run", "mgo.d12", "--ranks", "2", "--oversubscribe", "--no-tui"],
			/has no executable Pcrystal; it holds crystalOMP/,
		);
	} finally {
		await Promise.all([dir, empty, serialOnly].map(removeProject));
	}
});

test("an unknown word that is no folder is an error listing the commands, and makes no folder", async () => {
	const dir = await project();
	try {
		await refused(
			dir,
			["frobnicate"],
			/unknown command "frobnicate".*the commands are run, status, stop, queue, recover, parse, export/,
		);
		assert.equal(existsSync(join(dir, "frobnicate")), false);
	} finally {
		await removeProject(dir);
	}
});

test("more ranks x threads than cores is refused unless oversubscription is asked for", async () => {
	const dir = await project();
	// One more than the cores, not 99999: should the refusal ever break, the test starts a few
	// mock ranks rather than making the machine unusable.
	const over = availableParallelism() + 1;
	try {
		await refused(
			dir,
			["run", "mgo.d12", "--ranks", String(over), "--no-tui"],
			new RegExp(
				`--ranks ${over} x --threads 1 = ${over} cores, but this machine has ${over - 1}: .*--oversubscribe`,
			),
		);
		await refused(dir, ["run", "mgo.d12", "--threads", String(over), "--no-tui"], /--oversubscribe/);
		// Asked for in the configuration, it runs (the mock's mpirun starts the ranks).
		await writeFile(join(dir, "crystal-tui.toml"), "[defaults]\noversubscribe = true\n");
		const run = await crystalTui(["run", "mgo.d12", "--ranks", String(over), "--no-tui"], { cwd: dir });
		assert.equal(run.exitCode, 0, run.all);
		assert.ok(existsSync(join(dir, "mgo.out")));
	} finally {
		await removeProject(dir);
	}
});

test("a SLURM run is checked against the cluster entry's ntasks and cpus_per_task", async () => {
	const dir = await project(`[clusters.hpc]\nntasks = 4\ncpus_per_task = 2\n`);
	try {
		await refused(
			dir,
			["run", "mgo.d12", "--host", "hpc", "--ranks", "8", "--no-tui"],
			/--ranks 8 is more than ntasks = 4 in \[clusters\.hpc\] of crystal-tui\.toml/,
		);
		await refused(
			dir,
			["run", "mgo.d12", "--host", "hpc", "--threads", "3", "--no-tui"],
			/--threads 3 is more than cpus_per_task = 2/,
		);
	} finally {
		await removeProject(dir);
	}
});

test("a deck named twice is refused before the first starts", async () => {
	const dir = await project();
	try {
		await refused(
			dir,
			["run", "mgo.d12", "mgo.d12", "--no-tui"],
			/run: mgo\.d12 is given twice: name each deck once/,
		);
		await refused(
			dir,
			["run", "mgo.d12", "./mgo", "--no-tui"],
			/\.\/mgo is given twice \(also as mgo\.d12\)/,
		);
	} finally {
		await removeProject(dir);
	}
});

test("a deck symlinked from outside the project is refused, saying so; one from inside runs", async () => {
	const dir = await project();
	const elsewhere = await tempProject({ "far.d12": deck("far away") });
	try {
		await symlink(join(elsewhere, "far.d12"), join(dir, "far.d12"));
		await refused(
			dir,
			["run", "far.d12", "--no-tui"],
			/far\.d12 is a symbolic link to .*far\.d12, outside the project .*: crystal-tui runs only decks that live in the project/,
		);
		await mkdir(join(dir, "sub"));
		await symlink(join(dir, "mgo.d12"), join(dir, "sub", "alias.d12"));
		const run = await crystalTui(["run", "sub/alias.d12", "--no-tui"], { cwd: dir });
		assert.equal(run.exitCode, 0, run.all);
		assert.ok(existsSync(join(dir, "sub", "alias.out")));
	} finally {
		await Promise.all([dir, elsewhere].map(removeProject));
	}
});

test("max_jobs = 0 says the least it takes", async () => {
	const dir = await project("[defaults]\nmax_jobs = 0\n");
	try {
		await refused(dir, ["status"], /crystal-tui\.toml: defaults\.max_jobs: must be at least 1$/m);
	} finally {
		await removeProject(dir);
	}
});

test("a deck whose name holds a newline is refused, and no plain output line is broken by it", async () => {
	const odd = "two\nlines";
	const dir = await project();
	await writeFile(join(dir, `${odd}.d12`), deck("odd"));
	try {
		await refused(dir, ["run", `${odd}.d12`, "--no-tui"], /the deck name "two\\nlines\.d12" holds a newline/);
		// Not a job either: the folder's other decks are listed, every line of them well formed.
		const status = await crystalTui(["status"], { cwd: dir });
		assert.equal(status.exitCode, 0, status.all);
		assert.doesNotMatch(status.stdout, /two|lines/);
		assert.match(status.stdout, /^mgo\s+idle/m);
	} finally {
		await removeProject(dir);
	}
});

describe("an SSH host's cores", { skip: requireOrSkip(loopbackSshd) }, () => {
	test("ranks x threads above the host's nproc are refused, naming the host", async () => {
		const dir = sharedTempDir("ct-refuse-ssh-");
		await writeFile(join(dir, "mgo.d12"), deck("MgO bulk"));
		await writeFile(
			join(dir, "crystal-tui.toml"),
			`${loopbackHostEntry("loop")}remote_root = ${toml(`crystal-tui-refuse-${process.pid}`)}
crystal_dir = ${toml(mockBin)}
`,
		);
		await refused(
			dir,
			// The host is this machine on loopback: one more rank than its cores.
			["run", "mgo.d12", "--host", "loop", "--ranks", String(availableParallelism() + 1), "--no-tui"],
			/--ranks \d+ x --threads 1 = \d+ cores, but loop has \d+: .*--oversubscribe/,
		);
	});
});
