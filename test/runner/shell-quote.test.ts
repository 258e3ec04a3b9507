import assert from "node:assert/strict";
import { test } from "node:test";
import { execa } from "execa";
import fc from "fast-check";
import { shellName, shellQuote, singleLine, UnsafeValueError } from "../../source/runner/shell-quote.js";

test("any string survives a round trip through /bin/sh unchanged and runs nothing", async () => {
	const hostile = [
		"it's",
		"$(touch /tmp/crystal-tui-pwned)",
		"`id`",
		'"double"',
		"a;b&&c|d",
		"line\nbreak",
		"ünïcödé ∆E",
		"-n",
		"",
		"*",
		"~root",
	];
	const samples = [
		...hostile,
		...fc.sample(
			fc.string({ unit: "binary" }).filter((s) => !s.includes("\0")),
			200,
		),
	];
	const script = samples.map((s) => `printf '%s\\0' ${shellQuote(s)}`).join("\n");
	const { stdout } = await execa("/bin/sh", ["-c", script], { encoding: "utf8" });
	assert.deepEqual(stdout.split("\0").slice(0, -1), samples);
});

test("NUL, bad variable names and multi-line header values are refused, not mangled", () => {
	assert.throws(() => shellQuote("a\0b"), UnsafeValueError);
	assert.throws(() => shellName("PATH;rm"), UnsafeValueError);
	assert.throws(() => shellName("1X"), UnsafeValueError);
	assert.equal(shellName("OMP_NUM_THREADS"), "OMP_NUM_THREADS");
	assert.throws(() => singleLine("debug\n#SBATCH --uid=0"), UnsafeValueError);
	assert.equal(singleLine("debug"), "debug");
});
