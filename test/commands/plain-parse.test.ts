/**
 * `crystal-tui parse FILE... [--json]` loads only the parser; any other command line with
 * `parse` in it goes through the whole command line. Both routes must give the same answer, and
 * what only the whole command line knows (unknown options, --help) must still be answered.
 */
import assert from "node:assert/strict";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { failuresDirectory } from "../crystal/corpus.js";
import { crystalTui } from "../helpers/project.js";

const output = join(failuresDirectory, "walltime-kill.out");
const cwd = tmpdir();

test("the plain form and the whole command line print the same, for both output forms", async () => {
	for (const json of [false, true]) {
		const words = json ? ["parse", output, "--json"] : ["parse", output];
		const plain = await crystalTui(words, { cwd });
		// A global option before the command: not the plain form, so the whole command line reads it.
		const whole = await crystalTui(["--runner", "local", ...words], { cwd });
		assert.equal(plain.exitCode, 0, plain.all);
		assert.equal(whole.exitCode, 0, whole.all);
		assert.match(plain.stdout, /walltime-kill\.out/);
		assert.equal(plain.stdout, whole.stdout);
	}
});

test("a file that cannot be read: the same message and exit code on both routes", async () => {
	const plain = await crystalTui(["parse", "no-such.out"], { cwd });
	const whole = await crystalTui(["--runner", "local", "parse", "no-such.out"], { cwd });
	assert.equal(plain.exitCode, 2);
	assert.equal(whole.exitCode, 2);
	assert.match(plain.stderr, /cannot read no-such\.out: no such file/);
	assert.equal(plain.stderr, whole.stderr);
});

test("an unknown option after parse is still refused, and --help still answered", async () => {
	const unknown = await crystalTui(["parse", "--jsno", output], { cwd });
	assert.equal(unknown.exitCode, 2);
	assert.match(unknown.stderr, /unknown option --jsno/);
	assert.equal(unknown.stdout, "");
	const help = await crystalTui(["parse", "--help"], { cwd });
	assert.equal(help.exitCode, 0);
	assert.match(help.stdout, /crystal-tui parse FILE\.\.\. \[--json\]/);
});
