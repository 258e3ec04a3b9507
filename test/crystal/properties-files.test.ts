/**
 * The BAND.DAT, DOSS.DAT and fort.25 readers on the real files of
 * ../shared/crystal-corpus/properties, against the values its README checked by hand.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { readBandDat } from "../../source/crystal/properties/band-dat.js";
import { hartreeEv, PropertiesFormatError } from "../../source/crystal/properties/data.js";
import { readDossDat } from "../../source/crystal/properties/doss-dat.js";
import { readFort25 } from "../../source/crystal/properties/fort25.js";
import { corpusAvailable, corpusDirectory, corpusSkipMessage } from "./corpus.js";

const read = (name: string) => readFileSync(join(corpusDirectory, "properties", name), "utf8");
const near = (actual: number | undefined, expected: number, tolerance = 1e-9) =>
	assert.ok(actual !== undefined && Math.abs(actual - expected) <= tolerance, `${actual} vs ${expected}`);
const ev = (hartree: number) => hartree * hartreeEv;
const perEv = (perHartree: number) => perHartree / hartreeEv;

function extreme(
	values: number[],
	pick: (a: number, b: number) => boolean,
): { value: number; index: number } {
	let index = 0;
	for (const [at, value] of values.entries()) if (pick(value, values[index] ?? value)) index = at;
	return { value: values[index] ?? Number.NaN, index };
}

describe("properties data files", { skip: corpusAvailable ? false : corpusSkipMessage }, () => {
	test("BAND.DAT of MgO: 201 k points, 26 bands, the path and the gap at Gamma", () => {
		const bands = readBandDat(read("cpt_band_mgo.BAND"));
		assert.equal(bands.distances.length, 201);
		assert.equal(bands.energiesEv.length, 1);
		assert.equal(bands.energiesEv[0]?.length, 26);
		assert.deepEqual(
			bands.path.map((point) => [point.index, point.label]),
			[
				[0, "(0,0,0)/4"],
				[52, "(2,0,2)/4"],
				[97, "(2,2,2)/4"],
				[142, "(0,0,0)/4"],
				[200, "(2,1,3)/4"],
			],
		);
		near(bands.path[4]?.distance, 3.0356);
		const spin = bands.energiesEv[0] ?? [];
		near(spin[0]?.[0], ev(-46.502), 1e-6);
		near(spin[9]?.[0], 0);
		near(spin[10]?.[0], ev(0.26179), 1e-6);
		near(spin[25]?.[0], ev(5.562), 1e-6);
		near(spin[25]?.[200], ev(5.6874), 1e-6);
		assert.equal(bands.fermiHartree, -0.15202);
	});

	test("DOSS.DAT of MgO: 302 energies, 3 projections and their maxima", () => {
		const dos = readDossDat(read("cpt_doss_mgo.DOSS"));
		assert.equal(dos.energiesEv.length, 302);
		near(dos.energiesEv[0], ev(-0.553), 1e-9);
		near(dos.energiesEv[301], ev(0.95704), 1e-9);
		assert.equal(dos.dos.length, 1);
		const [first, second, third] = dos.dos[0] ?? [];
		const top = extreme(first ?? [], (a, b) => a > b);
		near(top.value, perEv(23.354), 1e-9);
		near(dos.energiesEv[top.index], ev(0.7664), 1e-9);
		near(extreme(second ?? [], (a, b) => a > b).value, perEv(71.451), 1e-9);
		near(extreme(third ?? [], (a, b) => a > b).value, perEv(71.69), 1e-9);
		assert.equal(dos.fermiHartree, -0.15202);
	});

	test("spin-polarised DOSS.DAT of FeS: the beta block after & with negative states", () => {
		const dos = readDossDat(read("a17_cubic-rocksalt_2x1_pdos.doss.DOSS"));
		assert.equal(dos.dos.length, 2);
		assert.equal(dos.dos[0]?.length, 8);
		assert.equal(dos.energiesEv.length, 1002);
		const alpha = extreme(dos.dos[0]?.[7] ?? [], (a, b) => a > b);
		const beta = extreme(dos.dos[1]?.[7] ?? [], (a, b) => a < b);
		near(alpha.value, perEv(174.19), 1e-9);
		near(beta.value, perEv(-174.11), 1e-9);
		near(dos.energiesEv[alpha.index], ev(-0.25202), 1e-9);
		assert.equal(alpha.index, beta.index);
		assert.equal(dos.fermiHartree, -0.12479);
	});

	test("fort.25 and DOSS.DAT of the same MgO run agree", () => {
		const fort = readFort25(read("a17_doss_mgo_sto3g_scf__fort.25"));
		const dat = readDossDat(read("a17_doss_mgo_sto3g_scf__DOSS.DAT"));
		assert.equal(fort.bands, null);
		assert.equal(fort.dos?.fermiHartree, -0.146501);
		assert.equal(fort.dos?.energiesEv.length, 102);
		near(fort.dos?.energiesEv[0], ev(-0.374917 + 0.146501), 1e-9);
		const fortTop = extreme(fort.dos?.dos[0]?.[0] ?? [], (a, b) => a > b);
		near(fortTop.value, perEv(40.7006), 1e-9);
		assert.equal(fortTop.index, 29);
		const datTop = extreme(dat.dos[0]?.[0] ?? [], (a, b) => a > b);
		near(datTop.value, perEv(40.701), 1e-9);
		assert.equal(datTop.index, 29);
		near(fort.dos?.energiesEv[29], dat.energiesEv[29] ?? Number.NaN, ev(1e-4));
	});

	test("fort.25 with 11 DOS and 6 band blocks; numbers that run together are split by width", () => {
		const fort = readFort25(read("cpt_es_grapheneDV.f25"));
		assert.equal(fort.dos?.dos.length, 1);
		assert.equal(fort.dos?.dos[0]?.length, 11);
		assert.equal(fort.dos?.energiesEv.length, 602);
		near(fort.dos?.energiesEv[0], ev(-0.283667 + 0.126886), 1e-9);
		const bands = fort.bands;
		assert.ok(bands);
		assert.equal(bands.energiesEv.length, 1);
		assert.equal(bands.energiesEv[0]?.length, 20);
		assert.equal(bands.distances.length, 379);
		near(bands.energiesEv[0]?.[0]?.[0], ev(-0.248556 + 0.126886), 1e-9);
		near(bands.energiesEv[0]?.[19]?.[378], ev(0.0703744 + 0.126886), 1e-9);
		assert.deepEqual(
			bands.path.map((point) => point.label),
			["(0,0,0)", "(3,0,0)", "(2,2,0)", "(0,0,0)", "(0,3,0)", "(-2,4,0)", "(0,0,0)"],
		);
		// No k point twice: a segment after the first starts one step past the previous end.
		for (let k = 1; k < bands.distances.length; k++) {
			assert.ok(
				(bands.distances[k] ?? 0) > (bands.distances[k - 1] ?? 0),
				`the path coordinate goes forward at k ${k}`,
			);
		}
	});

	test("spin-polarised fort.25 of NiO: alpha blocks, then beta blocks with negative states", () => {
		const fort = readFort25(read("a17_doss_nio_sto3g_afm__fort.25"));
		const dos = fort.dos;
		assert.ok(dos);
		assert.equal(dos.dos.length, 2);
		assert.equal(dos.dos[0]?.length, 3);
		assert.equal(dos.fermiHartree, 0.253228);
		near(extreme(dos.dos[0]?.[0] ?? [], (a, b) => a > b).value, perEv(77.5024), 1e-9);
		near(extreme(dos.dos[1]?.[0] ?? [], (a, b) => a < b).value, perEv(-77.5), 1e-9);
		near(extreme(dos.dos[0]?.[2] ?? [], (a, b) => a > b).value, perEv(318.83), 1e-9);
		near(extreme(dos.dos[1]?.[2] ?? [], (a, b) => a < b).value, perEv(-318.848), 1e-9);
	});

	test("a file of another kind is refused with the line that is wrong", () => {
		assert.throws(() => readBandDat(read("cpt_doss_mgo.DOSS")), PropertiesFormatError);
		assert.throws(
			() => readDossDat("# NEPTS 2 NPROJ 1 NSPIN 1\n 0.1 1.0\n 0.2 x\n"),
			/line 3: not a row of numbers/,
		);
		assert.throws(
			() => readFort25("-%-0DOSS    1    7 0.00000E+00 1.00000E-02 0.00000E+00\n"),
			/ends after 0/,
		);
	});
});
