import assert from "node:assert/strict";
import { test } from "node:test";
import { execa } from "execa";
import { jobScript, programFor } from "../../source/runner/script.js";

const base = {
	name: "mgo",
	jobDir: "/work/it's here",
	runDir: "/work/it's here/.crystal-tui/runs/mgo",
	scratchRoot: null,
	isOptimisation: false,
	parallelism: { ranks: 1, threads: 1 },
	exeDir: "/opt/crystal/bin",
	mpiLauncher: "mpirun" as const,
	keepScratch: false,
};

test("the job script is valid POSIX sh", async () => {
	for (const parallelism of [
		{ ranks: 1, threads: 4 },
		{ ranks: 4, threads: 1 },
		{ ranks: 2, threads: 2 },
	]) {
		const text = jobScript({ ...base, parallelism, modules: ["CRYSTAL/23"], env: { A_B: "x y" } });
		const check = await execa("/bin/sh", ["-n"], { input: text, reject: false });
		assert.equal(check.exitCode, 0, check.stderr);
	}
});

test("serial runs use crystalOMP, parallel runs Pcrystal or PcrystalOMP", () => {
	assert.equal(programFor({ ranks: 1, threads: 8 }), "crystalOMP");
	assert.equal(programFor({ ranks: 8, threads: 1 }), "Pcrystal");
	assert.equal(programFor({ ranks: 4, threads: 2 }), "PcrystalOMP");
	assert.match(jobScript({ ...base, parallelism: { ranks: 4, threads: 2 } }), /mpirun -np 4 "\$exe"/);
	assert.match(
		jobScript({ ...base, parallelism: { ranks: 4, threads: 2 }, mpiLauncher: "srun" }),
		/srun "\$exe"/,
	);
	assert.match(jobScript({ ...base, parallelism: { ranks: 1, threads: 3 } }), /OMP_NUM_THREADS=3/);
});

test("fort.34 comes back as NAME.gui only for optimisations", () => {
	assert.doesNotMatch(jobScript(base), /stage_out fort\.34/);
	assert.match(jobScript({ ...base, isOptimisation: true }), /stage_out fort\.34 mgo\.gui/);
});

test("environment names that are not identifiers are refused", () => {
	assert.throws(() => jobScript({ ...base, env: { "X;rm -rf ~": "1" } }), /not a valid shell variable name/);
});
