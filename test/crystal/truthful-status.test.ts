/**
 * A failure is never reported as success: an output cut inside its termination line, an SCF
 * that fails after an earlier one converged, and a frequency run that optimises first. Checked
 * through `crystal-tui parse --json`, where a user meets them, and on the parser's lines.
 */
import assert from "node:assert/strict";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { CrystalParser } from "../../source/crystal/parser.js";
import { crystalTui, deck, removeProject, repoRoot, tempProject } from "../helpers/project.js";
import { corpusAvailable, corpusFile, corpusSkipMessage, failuresDirectory } from "./corpus.js";

async function parseJson(file: string, cwd: string): Promise<Record<string, unknown>> {
	const run = await crystalTui(["parse", "--json", file], { cwd });
	assert.equal(run.exitCode, 0, run.all);
	return JSON.parse(run.stdout);
}

function parseLines(lines: string[]) {
	const parser = new CrystalParser();
	for (const line of lines) parser.feed(`${line}\n`);
	parser.end();
	return parser.result();
}

describe("status that tells the truth", () => {
	let dir = "";
	before(async () => {
		dir = await tempProject({});
	});
	after(() => removeProject(dir));

	test("an output cut 23 bytes into its TERMINATION line did not terminate normally", {
		skip: corpusAvailable ? false : corpusSkipMessage,
	}, async () => {
		const whole = await readFile(corpusFile("a17_nio_sto3g_afm_scf__main.out"), "utf8");
		const at = whole.indexOf(" EEEEEEEEEE TERMINATION");
		assert.ok(at > 0);
		const cut = whole.slice(0, at + 23);
		assert.ok(cut.endsWith(" EEEEEEEEEE TERMINATION"));
		await writeFile(join(dir, "cut.out"), cut);
		await writeFile(join(dir, "whole.out"), whole.slice(0, whole.indexOf("\n", at) + 1));
		assert.equal((await parseJson("cut.out", dir)).terminatedNormally, false);
		assert.equal((await parseJson("whole.out", dir)).terminatedNormally, true);
	});

	test("a run whose output ends inside its TERMINATION line fails, and status says why", async () => {
		const project = await tempProject({ "cut.d12": deck("MgO cut in termination") });
		try {
			const run = await crystalTui(["run", "cut.d12", "--no-tui"], { cwd: project });
			assert.notEqual(run.exitCode, 0, run.all);
			const status = await crystalTui(["status", "--json"], { cwd: project });
			assert.match(status.stdout, /did not terminate normally/);
			assert.doesNotMatch(status.stdout, /"state":\s*"finished"/);
		} finally {
			await removeProject(project);
		}
	});

	test("an optimisation whose later point's SCF failed is not 'SCF converged'", async () => {
		const record = await parseJson(join(failuresDirectory, "opt-scf-failed-later.out"), dir);
		assert.equal(record.scfConverged, false);
		assert.equal(record.calcType, "optgeom");
		assert.deepEqual(record.errors, ["ERROR **** SCF **** SCF FAILED - TOO MANY CYCLES AT THIS GEOMETRY"]);
	});

	test("a frequency run killed during its pre-optimisation is calcType freq", async () => {
		const record = await parseJson(join(repoRoot, "fixtures", "outputs", "freq-preopt-killed.out"), dir);
		assert.equal(record.calcType, "freq");
		assert.equal(record.terminatedNormally, false);
	});
});

test("a strain whose SCF stops at MAXCYCLE stays a failure when the next strain converges", () => {
	const result = parseLines([
		"                         ELASTIC CALCULATION",
		" == SCF ENDED - CONVERGENCE ON ENERGY      E(AU) -2.7536042263490E+02 CYCLES   7",
		" == SCF ENDED - TOO MANY CYCLES            E(AU) -2.7530000000000E+02 CYCLES  50",
		" == SCF ENDED - CONVERGENCE ON ENERGY      E(AU) -2.7536042263490E+02 CYCLES   8",
		" EEEEEEEEEE TERMINATION  DATE 02 05 2024 TIME 16:41:12.4",
	]);
	assert.equal(result.calcType, "elastic");
	assert.equal(result.scfConverged, false);
});

test("a QHA deck echoed by the run script makes its optimisations a frequency run", () => {
	const result = parseLines([
		"QHA",
		" CELL OPTIMIZATION - POINT    1",
		" TOTAL ENERGY(DFT)(AU)(  7) -2.7536042263490E+02 DE 9.0E-10 tester 3.1E-12",
	]);
	assert.equal(result.calcType, "freq");
});
