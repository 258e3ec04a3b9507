/**
 * `crystal-tui export` through the real binary on project folders holding real CRYSTAL outputs
 * and properties files. The CIF and extended XYZ are read back by ASE where it is installed
 * (Debian's python3-ase); without it, their structure is checked here by reading them back.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { copyFile, readFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { crystalTui, removeProject, tempProject } from "../helpers/project.js";
import { corpusAvailable, corpusDirectory, corpusFile, corpusSkipMessage } from "./corpus.js";

/** A Python that has ASE: the one on PATH, or Debian's (python3-ase) when PATH leads elsewhere. */
const python = ["python3", "/usr/bin/python3"].find(
	(candidate) => spawnSync(candidate, ["-c", "import ase.io"], { stdio: "ignore" }).status === 0,
);
const aseAvailable = python !== undefined;

/** Reads the P 1 CIF this command writes: cell and atom rows, failing on anything missing. */
function readCif(text: string) {
	const lines = text.split("\n");
	const value = (tag: string) => {
		const line = lines.find((entry) => entry.startsWith(`${tag} `));
		assert.ok(line, `CIF has ${tag}`);
		return line.slice(tag.length + 1).trim();
	};
	assert.match(lines[0] ?? "", /^data_\S+$/);
	assert.equal(value("_symmetry_space_group_name_H-M"), "'P 1'");
	const loopAt = lines.indexOf("_atom_site_occupancy");
	assert.ok(loopAt > 0, "an atom_site loop");
	const header = lines.slice(loopAt - 5, loopAt + 1);
	assert.deepEqual(header, [
		"_atom_site_label",
		"_atom_site_type_symbol",
		"_atom_site_fract_x",
		"_atom_site_fract_y",
		"_atom_site_fract_z",
		"_atom_site_occupancy",
	]);
	assert.equal(lines[loopAt - 6], "loop_");
	const atoms = lines
		.slice(loopAt + 1)
		.filter((line) => line.trim() !== "")
		.map((line) => {
			const [label, symbol, x, y, z, occupancy] = line.split(/\s+/);
			assert.ok(label && symbol && occupancy === "1", `atom row: ${line}`);
			return { label, symbol, fractional: [Number(x), Number(y), Number(z)] };
		});
	assert.equal(new Set(atoms.map((atom) => atom.label)).size, atoms.length, "labels are unique");
	const cell = ["a", "b", "c"].map((axis) => Number(value(`_cell_length_${axis}`)));
	const angles = ["alpha", "beta", "gamma"].map((angle) => Number(value(`_cell_angle_${angle}`)));
	return { cell, angles, atoms };
}

function ase(script: string, file: string): string {
	const run = spawnSync(python ?? "python3", ["-c", script, file], { encoding: "utf8" });
	assert.equal(run.status, 0, run.stderr);
	return run.stdout.trim();
}

describe("crystal-tui export", { skip: corpusAvailable ? false : corpusSkipMessage }, () => {
	let dir = "";
	before(async () => {
		dir = await tempProject({});
		await copyFile(corpusFile("a17_nio_sto3g_afm_opt__main.out"), join(dir, "nio.out"));
		await copyFile(corpusFile("cpt_phono_Gstrain1Band.out"), join(dir, "graphene.out"));
		const properties = join(corpusDirectory, "properties");
		await copyFile(join(properties, "cpt_band_mgo.BAND"), join(dir, "mgo_BAND.DAT"));
		await copyFile(join(properties, "cpt_doss_mgo.DOSS"), join(dir, "mgo_DOSS.DAT"));
		await copyFile(join(properties, "a17_doss_nio_sto3g_afm__fort.25"), join(dir, "nio.f25"));
	});
	after(() => removeProject(dir));

	test("cif: the optimised NiO cell (not the input one), every atom, P 1", async () => {
		const run = await crystalTui(["export", "nio", "--format", "cif", "-o", "nio.cif"], { cwd: dir });
		assert.equal(run.exitCode, 0, run.all);
		const cif = readCif(await readFile(join(dir, "nio.cif"), "utf8"));
		assert.deepEqual(cif.cell, [3.07364385, 3.07364385, 4.49784307]);
		assert.deepEqual(cif.angles, [90, 90, 90]);
		assert.deepEqual(
			cif.atoms.map((atom) => [atom.label, atom.symbol]),
			[
				["Ni1", "Ni"],
				["Ni2", "Ni"],
				["O1", "O"],
				["O2", "O"],
			],
		);
		assert.deepEqual(cif.atoms[1]?.fractional, [-0.5, 0.5, 0.5]);
	});

	test("cif and extended XYZ read by ASE give the same cell and atoms", {
		skip: aseAvailable
			? false
			: "ASE (python3-ase) is not installed: the CIF was checked by the reader above only",
	}, async () => {
		assert.equal(
			(await crystalTui(["export", "nio.out", "--format", "xyz", "-o", "nio.xyz"], { cwd: dir })).exitCode,
			0,
		);
		assert.equal(
			(await crystalTui(["export", "nio", "--format", "cif", "-o", "nio.cif"], { cwd: dir })).exitCode,
			0,
		);
		const script =
			"import sys, ase.io; a = ase.io.read(sys.argv[1]); " +
			"print(a.get_chemical_formula(), ' '.join('%.5f' % x for x in a.cell.cellpar()), " +
			"'%.4f' % a.get_volume(), ' '.join('%.4f' % d for d in sorted(a.get_all_distances(mic=True)[0])[1:3]))";
		const fromCif = ase(script, join(dir, "nio.cif"));
		const fromXyz = ase(script, join(dir, "nio.xyz"));
		assert.equal(fromCif, fromXyz);
		const [formula, a, b, c, alpha, beta, gamma, volume] = fromCif.split(" ");
		assert.equal(formula, "Ni2O2");
		assert.deepEqual([a, b, c, alpha, beta, gamma].map(Number), [3.07364, 3.07364, 4.49784, 90, 90, 90]);
		// The volume CRYSTAL printed for the final cell: 42.492412 A^3.
		assert.equal(Number(volume), 42.4924);
	});

	test("xyz of a slab: lattice in the plane, pbc T T F, 288 atoms", async () => {
		const run = await crystalTui(["export", "graphene", "--format", "xyz"], { cwd: dir });
		assert.equal(run.exitCode, 0, run.all);
		const lines = run.stdout.split("\n");
		assert.equal(lines[0], "288");
		assert.match(
			lines[1] ?? "",
			/Lattice="29\.13038536 0\.00000000 0\.00000000 -14\.56519268 25\.22765\d* 0\.00000000 0\.00000000 0\.00000000 20\.00000000"/,
		);
		assert.match(lines[1] ?? "", /pbc="T T F"/);
		assert.equal(lines.filter((line) => /^C\s/.test(line)).length, 288);
	});

	test("a slab has no CIF and a missing output is named: exit 2, nothing written", async () => {
		const slab = await crystalTui(["export", "graphene", "--format", "cif", "-o", "g.cif"], { cwd: dir });
		assert.equal(slab.exitCode, 2);
		assert.match(slab.stderr, /graphene\.out: a 2D structure has no 3D cell for a CIF: export it as xyz/);
		assert.equal(existsSync(join(dir, "g.cif")), false);
		const missing = await crystalTui(["export", "quartz", "--format", "cif"], { cwd: dir });
		assert.equal(missing.exitCode, 2);
		assert.match(missing.stderr, /quartz\.out not found in /);
		const format = await crystalTui(["export", "nio", "--format", "pdb"], { cwd: dir });
		assert.equal(format.exitCode, 2);
		assert.match(format.stderr, /--format pdb: expected one of cif, xyz, json, bands, dos/);
	});

	test("json: the whole result with its schema version", async () => {
		const run = await crystalTui(["export", "nio", "--format", "json"], { cwd: dir });
		assert.equal(run.exitCode, 0, run.all);
		const record = JSON.parse(run.stdout);
		assert.equal(record.schemaVersion, 2);
		assert.equal(record.optEnergiesHartree.length, 19);
		assert.deepEqual(record.mulliken.spins, [3.234, -3.234, -0.172, 0.172]);
	});

	test("bands and DOS as CSV, from BAND.DAT / DOSS.DAT or from fort.25", async () => {
		const bands = await crystalTui(["export", "mgo", "--format", "bands"], { cwd: dir });
		assert.equal(bands.exitCode, 0, bands.all);
		const rows = bands.stdout.trimEnd().split("\n");
		assert.equal(rows.length, 202);
		assert.equal(rows[0]?.split(",").length, 28);
		assert.match(rows[0] ?? "", /^k_distance,label,band1_eV,band2_eV,/);
		assert.match(rows[1] ?? "", /^0,"\(0,0,0\)\/4",-1265\.38/);
		const dos = await crystalTui(["export", "nio", "--format", "dos"], { cwd: dir });
		assert.equal(dos.exitCode, 0, dos.all);
		const header = dos.stdout.split("\n")[0];
		assert.equal(
			header,
			"energy_eV,alpha_projection1,alpha_projection2,alpha_projection3,beta_projection1,beta_projection2,beta_projection3",
		);
		assert.equal(dos.stdout.trimEnd().split("\n").length, 1003);
	});
});
