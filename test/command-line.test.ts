import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { parseCommandLine } from "../source/command-line.js";
import { crystalTui, removeProject, repoRoot, tempProject } from "./helpers/project.js";

const flagsOf = (argv: string[]) => {
	const line = parseCommandLine(argv);
	assert.equal(line.kind, "run", JSON.stringify(line));
	return line.kind === "run" ? line : assert.fail();
};
const errorOf = (argv: string[]) => {
	const line = parseCommandLine(argv);
	assert.equal(line.kind, "error", `${argv.join(" ")} was taken: ${JSON.stringify(line)}`);
	return line.kind === "error" ? line.message : "";
};

test("options in kebab case reach the modes, counts as numbers, switches default off", () => {
	const { input, flags } = flagsOf([
		"run",
		"opt.d12",
		"freq.d12",
		"--max-jobs",
		"3",
		"--ranks=4",
		"--crystal-dir",
		"/opt/crystal/bin",
		"--keep-scratch",
		"--after",
		"opt",
	]);
	assert.deepEqual(input, ["run", "opt.d12", "freq.d12"]);
	assert.equal(flags.maxJobs, 3);
	assert.equal(flags.ranks, 4);
	assert.equal(flags.crystalDir, "/opt/crystal/bin");
	assert.equal(flags.keepScratch, true);
	assert.equal(flags.after, "opt");
	assert.equal(flags.tui, true);
	assert.equal(flags.json, false);
	assert.equal(flags.threads, undefined);
	assert.equal("host" in flags, false, "an option not given stays absent, so the config can fill it");
});

test("--no-tui turns the cockpit off; -- ends the options", () => {
	assert.equal(flagsOf(["run", "a.d12", "--no-tui"]).flags.tui, false);
	assert.deepEqual(flagsOf(["run", "--", "--odd-name.d12"]).input, ["run", "--odd-name.d12"]);
});

test("anything it cannot take is refused with a message naming the option", () => {
	assert.match(errorOf(["--bogus"]), /unknown option --bogus/);
	assert.match(errorOf(["-x"]), /unknown option -x/);
	assert.match(errorOf(["--no-host"]), /unknown option --no-host/);
	assert.match(errorOf(["--host"]), /--host needs a value/);
	assert.match(errorOf(["--host", "--json"]), /--host needs a value/);
	assert.match(errorOf(["--demo=yes"]), /--demo takes no value/);
	for (const bad of ["0", "-1", "2.5", "four", "1e3", ""]) {
		assert.match(errorOf(["--ranks", bad].filter(Boolean)), /--ranks/);
	}
	assert.match(errorOf(["--max-jobs=0"]), /--max-jobs 0: expected a whole number of at least 1/);
	assert.match(errorOf(["--maxJobs", "2"]), /unknown option --maxJobs/);
	assert.match(errorOf(["--host", "a", "--host", "b"]), /--host can only be set once/);
});

test("help and version", () => {
	const help = parseCommandLine(["run", "x.d12", "--help"]);
	assert.equal(help.kind, "help");
	assert.match(help.kind === "help" ? help.text : "", /^ {2}Usage\n {4}crystal-tui \[DIR\]/m);
	assert.equal(parseCommandLine(["--version"]).kind, "version");
});

test("the program says what it refused, exits 2 and starts nothing", async () => {
	const dir = await tempProject({ "mgo.d12": "MGO\nCRYSTAL\nEND\n" });
	try {
		const result = await crystalTui(["run", "mgo.d12", "--no-tui", "--threads", "many"], { cwd: dir });
		assert.equal(result.exitCode, 2);
		assert.match(result.all, /^crystal-tui: --threads many: expected a whole number of at least 1$/m);
		await assert.rejects(readFile(join(dir, "mgo.out")), "no job was started");
		const unknown = await crystalTui(["run", "mgo.d12", "--no-tui", "--rank", "2"], { cwd: dir });
		assert.equal(unknown.exitCode, 2);
		assert.match(unknown.all, /^crystal-tui: unknown option --rank \(crystal-tui --help lists them\)$/m);
		await assert.rejects(readFile(join(dir, "mgo.out")), "no job was started");
		const version = await crystalTui(["--version"], { cwd: dir });
		const manifest = JSON.parse(await readFile(join(repoRoot, "package.json"), "utf8")) as {
			version: string;
		};
		assert.equal(version.all.trim(), manifest.version);
	} finally {
		await removeProject(dir);
	}
});
