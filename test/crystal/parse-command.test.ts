/** `crystal-tui parse`: readable summaries, JSON lines with the exact keys, exit codes. */
import assert from "node:assert/strict";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { test } from "node:test";
import { jsonKeys, runParse } from "../../source/commands/parse.js";
import { corpusAvailable, corpusFile, corpusSkipMessage, failuresDirectory } from "./corpus.js";

async function run(files: string[], json: boolean): Promise<{ code: number; out: string; err: string }> {
	const out = new PassThrough();
	const err = new PassThrough();
	let outText = "";
	let errText = "";
	out.on("data", (chunk) => {
		outText += chunk;
	});
	err.on("data", (chunk) => {
		errText += chunk;
	});
	const code = await runParse(files, { json }, out, err);
	return { code, out: outText, err: errText };
}

const failure = (name: string) => join(failuresDirectory, name);

test("--json prints one object per file with exactly the documented keys, in order", async () => {
	const files = [failure("walltime-kill.out"), failure("input-error.out")];
	const { code, out, err } = await run(files, true);
	assert.equal(code, 0);
	assert.equal(err, "");
	const lines = out.trimEnd().split("\n");
	assert.equal(lines.length, 2);
	const records = lines.map((line) => JSON.parse(line));
	for (const [index, record] of records.entries()) {
		assert.deepEqual(Object.keys(record), [...jsonKeys]);
		assert.equal(record.file, files[index]);
	}
	assert.deepEqual(jsonKeys.slice(0, 5), ["schemaVersion", "file", "program", "version", "calcType"]);
	assert.equal(records[0].schemaVersion, 2);
});

test("--json: unknown values are null, never 0 or an empty string", async () => {
	const { out } = await run([failure("input-error.out")], true);
	const record = JSON.parse(out);
	for (const key of [
		"calcType",
		"finalEnergyHartree",
		"scfConverged",
		"scfCycles",
		"optConverged",
		"optCycles",
		"atomsAsymmetric",
		"atomsCell",
		"dimensionality",
		"bandGapEv",
	]) {
		assert.equal(record[key], null, key);
	}
	assert.equal(record.terminatedNormally, false);
	assert.equal(record.diagnosis[0].id, "input-keyword");
});

test("readable summary names the file and says what went wrong and what to change", async () => {
	const { code, out } = await run([failure("scf-too-many-cycles.out"), failure("opt-failed.out")], false);
	assert.equal(code, 0);
	assert.match(out, /scf-too-many-cycles\.out\n/);
	assert.match(out, /SCF\s+NOT converged \(30 cycles\)/);
	assert.match(out, /final energy\s+-242\.26589767476 Ha/);
	assert.match(out, /ERROR \[scf-too-many-cycles\]/);
	assert.match(out, /fix: Raise MAXCYCLE/);
	assert.match(out, /opt-failed\.out\n/);
	assert.match(out, /optimisation\s+NOT converged after 4 points/);
});

test("a file that cannot be read: exit code 2, message names it, the others are still parsed", async () => {
	const missing = join(failuresDirectory, "no-such-output.out");
	const { code, out, err } = await run([missing, failure("opt-failed.out")], true);
	assert.equal(code, 2);
	assert.match(err, /cannot read .*no-such-output\.out: no such file/);
	assert.equal(out.trimEnd().split("\n").length, 1);
});

test("a folder instead of a file is refused by name", async () => {
	const { code, err } = await run([failuresDirectory], false);
	assert.equal(code, 2);
	assert.match(err, /failures: it is a folder/);
});

test("no file named: exit code 2 with usage", async () => {
	const { code, err } = await run([], false);
	assert.equal(code, 2);
	assert.match(err, /crystal-tui parse NAME\.out/);
});

test("a real optimisation in JSON", { skip: corpusAvailable ? false : corpusSkipMessage }, async () => {
	const { out } = await run([corpusFile("cpt_propinp_diamondcrys.out")], true);
	const record = JSON.parse(out);
	assert.equal(record.calcType, "optgeom");
	assert.equal(record.finalEnergyHartree, -304.5148000672);
	assert.equal(record.bandGapEv, 5.8207);
	assert.equal(record.optCycles, 4);
	assert.equal(record.spaceGroup, "F D 3 M");
});
