/**
 * Band structures and densities of states drawn in the terminal from the real properties files
 * of ../shared/crystal-corpus/properties: the path's labels, the Fermi level, the gap, spin down
 * mirrored; within 80 columns and sharper when wider; the same characters with NO_COLOR (none
 * are colours). `crystal-tui parse` draws them when given such a file.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { describe, test } from "node:test";
import { bandEdges, bandsChart } from "../../source/app/charts/bands-chart.js";
import { dosChart } from "../../source/app/charts/dos-chart.js";
import { runParse } from "../../source/commands/parse.js";
import { readBandDat } from "../../source/crystal/properties/band-dat.js";
import { readFort25 } from "../../source/crystal/properties/fort25.js";
import { corpusAvailable, corpusDirectory, corpusSkipMessage } from "../crystal/corpus.js";

const file = (name: string) => join(corpusDirectory, "properties", name);
const read = (name: string) => readFileSync(file(name), "utf8");
const braille = /[\u2801-\u28ff]/;

describe("properties charts", { skip: corpusAvailable ? false : corpusSkipMessage }, () => {
	test("MgO bands at 80 columns: Γ and the path labels, the Fermi level, the 7.12 eV gap marked", () => {
		const bands = readBandDat(read("cpt_band_mgo.BAND"));
		const lines = bandsChart(bands, { width: 80, height: 22 });
		for (const line of lines) assert.ok(line.length <= 80, `fits: ${line}`);
		const text = lines.join("\n");
		assert.match(text, /Γ +\(2,0,2\)\/4 +\(2,2,2\)\/4 +Γ +\(2,1,3\)\/4/);
		assert.match(text, /EF 0┤.*┄/);
		assert.match(text, /gap 7\.124 eV/);
		assert.match(text, /▲/);
		assert.match(text, /▼/);
		assert.ok(lines.filter((line) => braille.test(line)).length >= 8, "bands drawn in Braille");
		// The direct gap at Γ: CRYSTAL's own line says DIRECT ENERGY BAND GAP: 7.1237 eV.
		const edges = bandEdges(bands.energiesEv[0] ?? []);
		assert.ok(edges && Math.abs(edges.cbm - edges.vbm - 7.1237) < 1e-3);
		const wide = bandsChart(bands, { width: 160, height: 40 });
		assert.ok(
			wide.length > lines.length && (wide[0]?.length ?? 0) > (lines[0]?.length ?? 0),
			"sharper when larger",
		);
	});

	test("spin-polarised NiO DOS: alpha above the axis, beta mirrored below, every projection", () => {
		const dos = readFort25(read("a17_doss_nio_sto3g_afm__fort.25")).dos;
		assert.ok(dos);
		const lines = dosChart(dos, { width: 80, height: 12 });
		const zero = lines.findIndex((line) => /^ +0┤/.test(line));
		assert.ok(zero > 2 && zero < 9, "the zero line in the middle");
		assert.ok(
			lines.slice(0, zero).some((line) => braille.test(line)),
			"alpha above",
		);
		assert.ok(
			lines.slice(zero + 1, 12).some((line) => braille.test(line)),
			"beta below",
		);
		assert.match(lines.join("\n"), /α above, β mirrored below/);
		for (const name of ["1α", "1β", "2α", "2β", "3α all", "3β all"]) {
			assert.ok(
				lines.some((line) => line.trimStart().startsWith(`${name}│`)),
				`projection ${name}`,
			);
		}
		for (const line of lines) assert.ok(line.length <= 90, `fits: ${line}`);
	});

	test("crystal-tui parse draws a BAND.DAT, and gives its arrays with --json", async () => {
		const collect = async (json: boolean) => {
			const out = new PassThrough();
			let text = "";
			out.on("data", (chunk) => {
				text += chunk;
			});
			const code = await runParse([file("cpt_band_mgo.BAND")], { json }, out, new PassThrough());
			return { code, text };
		};
		const drawn = await collect(false);
		assert.equal(drawn.code, 0);
		assert.match(drawn.text, /band structure\n/);
		assert.match(drawn.text, /gap 7\.124 eV/);
		const json = await collect(true);
		const record = JSON.parse(json.text);
		assert.equal(record.bands.distances.length, 201);
		assert.equal(record.dos, null);
	});
});
