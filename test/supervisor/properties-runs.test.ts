/**
 * Properties decks (NAME.d3) as jobs, through the real command line, the supervisor and the
 * mock `properties`: run after their SCF when started with it, refused without a wave
 * function, their own output NAME.outp, and the files properties writes brought home by the
 * staging table, on this machine, over SSH and on SLURM.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { readFile, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import {
	copyMockCrystal,
	describe,
	loopbackClusterEntry,
	loopbackHostEntry,
	loopbackSlurm,
	loopbackSshd,
	requireOrSkip,
	sharedTempDir,
	test,
} from "../helpers/infra.js";
import { banners, crystalTui, deck, removeProject, tempProject } from "../helpers/project.js";

const toml = (value: string) => JSON.stringify(value);

/** A band structure along an fcc path and a DOS with two projections, as a user writes it. */
const propertiesDeck = `NEWK
12 12
1 0
BAND
MgO band structure
4 4 40 1 14 1 0
0 0 0  2 0 2
2 0 2  2 1 3
2 1 3  2 2 2
2 2 2  0 0 0
DOSS
2 400 1 14 1 12 0
1 1
1 2
END
`;

interface Row {
	id: string;
	state: string;
	detail: string | null;
	startedAt: string | null;
	endedAt: string | null;
}

async function rows(dir: string): Promise<Row[]> {
	const status = await crystalTui(["status", "--json"], { cwd: dir });
	assert.equal(status.exitCode, 0, status.all);
	return JSON.parse(status.stdout) as Row[];
}

/** The SCF and its properties run both ended well, one after the other, each in its own output,
 * and the bands and DOS came home readable. */
async function assertRanAfterItsScf(dir: string, printed: string, submittedAtOnce = false): Promise<void> {
	const byId = new Map((await rows(dir)).map((r) => [r.id, r]));
	const scf = byId.get("mgo");
	const properties = byId.get("mgo.d3");
	assert.equal(scf?.state, "finished", JSON.stringify(scf));
	assert.equal(properties?.state, "finished", JSON.stringify(properties));
	// A SLURM job is submitted at once (afterok holds it): its start is its submission.
	if (!submittedAtOnce)
		assert.ok(
			Date.parse(properties?.startedAt ?? "") >= Date.parse(scf?.endedAt ?? "") - 1000,
			`properties started after the SCF ended: ${JSON.stringify([scf, properties])}`,
		);
	const [outTime, outpTime] = await Promise.all(
		["mgo.out", "mgo.outp"].map(async (f) => (await stat(join(dir, f))).mtimeMs),
	);
	assert.ok((outpTime ?? 0) >= (outTime ?? 0), "properties wrote its output after the SCF's last line");
	const out = await readFile(join(dir, "mgo.out"), "utf8");
	const outp = await readFile(join(dir, "mgo.outp"), "utf8");
	assert.equal(banners(out), 1, "the SCF's NAME.out holds the SCF only");
	assert.match(out, /SCF ENDED - CONVERGENCE ON ENERGY/);
	assert.match(outp, /CRYSTAL - PROPERTIES/);
	assert.match(outp, /EEEEEEEEEE TERMINATION/);
	assert.match(
		printed,
		/^\[mgo\.d3\] .*CRYSTAL - PROPERTIES/m,
		"the properties lines carry their own prefix",
	);
	assert.match(printed, /^\[mgo\.d3\] done: properties ended normally$/m);
	for (const file of ["mgo.f25", "mgo_BAND.DAT", "mgo_DOSS.DAT"])
		assert.ok(existsSync(join(dir, file)), `${file} came back`);
	const bands = await crystalTui(["export", "mgo", "--format", "bands"], { cwd: dir });
	assert.equal(bands.exitCode, 0, bands.all);
	// 4 segments of 40 k points along the path: one CSV row per k point, after the header.
	assert.ok(bands.stdout.trim().split("\n").length > 40, bands.stdout.slice(0, 400));
	const dos = await crystalTui(["export", "mgo", "--format", "dos"], { cwd: dir });
	assert.equal(dos.exitCode, 0, dos.all);
}

describe("properties decks on this machine", () => {
	test("run NAME.d3 NAME.d12: the SCF first, then properties on its wave function", async () => {
		const dir = await tempProject({ "mgo.d12": deck("MgO bulk"), "mgo.d3": propertiesDeck });
		try {
			// Given in the wrong order on purpose: the SCF still goes first.
			const run = await crystalTui(["run", "mgo.d3", "mgo.d12", "--no-tui"], { cwd: dir });
			assert.equal(run.exitCode, 0, run.all);
			await assertRanAfterItsScf(dir, run.stdout);
		} finally {
			await removeProject(dir);
		}
	});

	test("without a wave function and with no SCF on its way, it is refused and nothing starts", async () => {
		const dir = await tempProject({ "mgo.d12": deck("MgO bulk"), "mgo.d3": propertiesDeck });
		try {
			const run = await crystalTui(["run", "mgo.d3", "--no-tui"], { cwd: dir });
			assert.equal(run.exitCode, 2, run.all);
			assert.match(
				run.stderr,
				/mgo\.d3 reads the wave function \S*mgo\.f9, which does not exist: run mgo\.d12 first/,
			);
			for (const r of await rows(dir)) assert.equal(r.state, "idle", `${r.id} did not start`);
			assert.ok(!existsSync(join(dir, "mgo.outp")));
		} finally {
			await removeProject(dir);
		}
	});

	test("with the SCF's NAME.f9 there, it runs alone and the SCF is not run again", async () => {
		const dir = await tempProject({ "mgo.d12": deck("MgO bulk"), "mgo.d3": propertiesDeck });
		try {
			assert.equal((await crystalTui(["run", "mgo.d12", "--no-tui"], { cwd: dir })).exitCode, 0);
			const scfOut = await readFile(join(dir, "mgo.out"), "utf8");
			const run = await crystalTui(["run", "mgo.d3", "--no-tui"], { cwd: dir });
			assert.equal(run.exitCode, 0, run.all);
			assert.equal(await readFile(join(dir, "mgo.out"), "utf8"), scfOut, "NAME.out untouched");
			assert.doesNotMatch(run.stdout, /^\[mgo\] /m);
			assert.match(await readFile(join(dir, "mgo.outp"), "utf8"), /EEEEEEEEEE TERMINATION/);
		} finally {
			await removeProject(dir);
		}
	});

	test("an SCF that fails takes its properties run with it: cancelled, never run", async () => {
		const dir = await tempProject({ "mgo.d12": deck("MgO SCF NOT CONVERGED"), "mgo.d3": propertiesDeck });
		try {
			const run = await crystalTui(["run", "mgo.d12", "mgo.d3", "--no-tui"], { cwd: dir });
			assert.equal(run.exitCode, 1, run.all);
			const properties = (await rows(dir)).find((r) => r.id === "mgo.d3");
			assert.equal(properties?.state, "cancelled", JSON.stringify(properties));
			assert.match(properties?.detail ?? "", /a job it depends on failed/);
			assert.ok(!existsSync(join(dir, "mgo.outp")), "properties never ran");
		} finally {
			await removeProject(dir);
		}
	});

	test("a properties deck that asks for nothing is refused, naming the file", async () => {
		const dir = await tempProject({ "mgo.d12": deck("MgO bulk"), "mgo.d3": "\n12 12\n" });
		try {
			const run = await crystalTui(["run", "mgo.d12", "mgo.d3", "--no-tui"], { cwd: dir });
			assert.equal(run.exitCode, 2, run.all);
			assert.match(run.stderr, /the properties deck \S*mgo\.d3 asks for nothing/);
			assert.ok(!existsSync(join(dir, "mgo.out")), "nothing started, the SCF neither");
		} finally {
			await removeProject(dir);
		}
	});
});

describe("properties decks over SSH", { skip: requireOrSkip(loopbackSshd) }, () => {
	test("the SCF and its properties run on the host; NAME.outp and the files come home", async () => {
		const dir = sharedTempDir("ct-props-ssh-");
		const bin = copyMockCrystal(sharedTempDir("ct-props-bin-"));
		await writeFile(join(dir, "mgo.d12"), deck("MgO bulk"));
		await writeFile(join(dir, "mgo.d3"), propertiesDeck);
		await writeFile(
			join(dir, "crystal-tui.toml"),
			`${loopbackHostEntry("loop")}remote_root = ${toml(`ct-props-${process.pid}`)}
crystal_dir = ${toml(bin)}
env = { CRYSTAL_MOCK_DELAY = "0.002" }
`,
		);
		const run = await crystalTui(["run", "mgo.d12", "mgo.d3", "--host", "loop", "--no-tui"], { cwd: dir });
		assert.equal(run.exitCode, 0, run.all);
		await assertRanAfterItsScf(dir, run.stdout);
	});
});

describe("properties decks on SLURM", { skip: requireOrSkip(loopbackSlurm) }, () => {
	test("submitted with afterok on the SCF; the files are in the job folder at the end", async () => {
		const dir = sharedTempDir("ct-props-slurm-");
		const bin = copyMockCrystal(sharedTempDir("ct-props-bin-"));
		await writeFile(join(dir, "mgo.d12"), deck("MgO bulk"));
		await writeFile(join(dir, "mgo.d3"), propertiesDeck);
		await writeFile(join(dir, "crystal-tui.toml"), loopbackClusterEntry("hpc", bin));
		// A wave function of an earlier run must not be what properties reads: the new SCF's is.
		await writeFile(join(dir, "mgo.f9"), "stale\n");
		const run = await crystalTui(["run", "mgo.d12", "mgo.d3", "--host", "hpc", "--no-tui"], { cwd: dir });
		assert.equal(run.exitCode, 0, run.all);
		assert.notEqual(await readFile(join(dir, "mgo.f9"), "utf8"), "stale\n");
		await assertRanAfterItsScf(dir, run.stdout, true);
		await rm(join(dir, "mgo.f9"));
	});
});
