/**
 * The pictures of the result view, drawn from real CRYSTAL outputs: the SCF convergence chart
 * with its threshold, the optimisation's energy per point, the lattice before and after, the
 * frequencies with imaginary modes marked. Rendered by the cockpit at 80x24 and larger, with
 * NO_COLOR, so that they must read by their characters alone.
 */
import assert from "node:assert/strict";
import { afterEach, describe, test } from "node:test";
import { frequencyLines, latticeLines, scfChart } from "../../source/app/charts/result-charts.js";
import { parseFile } from "../../source/crystal/parse-file.js";
import type { CrystalResult } from "../../source/crystal/result.js";
import { jobResult } from "../../source/runner/job-result.js";
import { corpusAvailable, corpusFile, corpusSkipMessage } from "../crystal/corpus.js";
import { FakeController } from "./fake-controller.js";
import { renderCockpit, type Screen } from "./harness.js";

let screen: Screen | null = null;
afterEach(() => {
	screen?.unmount();
	screen = null;
});

async function showResult(file: string, size: { columns: number; rows: number }): Promise<Screen> {
	const crystal = await parseFile(corpusFile(file));
	const c = new FakeController(["job"]);
	screen = await renderCockpit(c, size, { noColor: true });
	c.result("job", jobResult("job", crystal, { code: 0, how: "exited" } as never, 100));
	c.state("job", "finished", "done");
	await screen.waitFor("job local finished");
	await screen.press("\r");
	return screen;
}

/** Presses page-down until `pattern` is on screen (at most `pages` times). */
async function scrollTo(s: Screen, pattern: RegExp, pages = 12): Promise<string> {
	for (let page = 0; page <= pages; page++) {
		const frame = s.frame();
		if (pattern.test(frame)) return frame;
		await s.press("\x1b[6~");
	}
	assert.fail(`${pattern} never shown; last frame:\n${s.frame()}`);
}

describe("charts in the result view", { skip: corpusAvailable ? false : corpusSkipMessage }, () => {
	test("an optimisation at 80x24: SCF chart with threshold and ticks, energy per point, lattice change", async () => {
		const s = await showResult("a17_nio_sto3g_afm_opt__main.out", { columns: 80, rows: 24 });
		let frame = await scrollTo(s, /straight line: threshold 10\^-7 Ha/);
		frame = await scrollTo(s, /└┬─+┬/);
		assert.match(frame, /┤/, "a y axis with labelled rows");
		frame = await scrollTo(s, /E − E\(last point\) in mHa per optimisation point/);
		frame = await scrollTo(s, /c \(Å\) +4\.16400 +4\.49784 +\+8\.02 %/);
		assert.match(frame, /V \(Å³\) +36\.09958 +42\.49241 +\+17\.71 %/);
		frame = await scrollTo(s, /2 Ni +27\.637 +0\.363 +-3\.234/);
		for (const line of frame.split("\n")) assert.ok(line.length <= 80, `fits 80 columns: ${line}`);
	});

	test("a frequency run at 120x40: every mode listed, none marked imaginary", async () => {
		const s = await showResult("cpt_spec_dryIceS1IR.out", { columns: 120, rows: 40 });
		const frame = await scrollTo(s, /36 modes at Γ · no imaginary mode/);
		assert.doesNotMatch(frame, /\d✗/, "no mode row is marked");
		const last = await scrollTo(s, /36 +2389\.61 Fu +3785\.5/);
		assert.match(last, /34 +2389\.61 Fu +3785\.5/);
	});
});

describe("chart lines", () => {
	test("imaginary modes are listed first and marked on their row", () => {
		const lines = frequencyLines(
			{
				gammaCm1: [-120.5, 0, 300.25],
				imaginary: 1,
				irIntensities: null,
				irreps: ["B1u", "A1g", "Eg"],
				irActive: null,
				ramanActive: null,
			},
			80,
		);
		assert.equal(lines[0]?.text, "3 modes at Γ · 1 IMAGINARY");
		assert.equal(lines[0]?.tone, "bad");
		assert.match(lines[1]?.text ?? "", /✗ mode 1: 120\.50i cm⁻¹ \(printed -120\.5\) B1u/);
		assert.match(lines.at(-1)?.text ?? "", /1✗ +-120\.50 B1u/);
	});

	test("the SCF chart spans the cycles: first and last tick where the data are", () => {
		const deltas = Array.from({ length: 40 }, (_, cycle) => 10 ** -(cycle / 5));
		const lines = scfChart(deltas, 1e-7, 70).map((line) => line.text);
		const axis = lines.findIndex((line) => line.includes("└"));
		assert.ok(axis > 0);
		const labels = lines[axis + 1] ?? "";
		assert.match(labels, /^\s+1\s/);
		assert.match(labels, /\b40\b|\b35\b/);
		for (const line of lines) assert.ok(line.length <= 70, `within the width: "${line}"`);
		// The threshold's row carries a straight line across the chart.
		assert.ok(lines.some((line) => /─{20,}/.test(line.split(/[┤┼]/)[1] ?? "")));
	});

	test("without an initial geometry (not an optimisation) only the final lattice is shown", () => {
		const final = {
			dimensionality: 3,
			lattice: { a: 1, b: 1, c: 1, alpha: 90, beta: 90, gamma: 90 },
			volume: 1,
			atoms: [],
		} satisfies CrystalResult["finalGeometry"];
		const lines = latticeLines(null, final).map((line) => line.text);
		assert.equal(lines[0]?.trim(), "final");
		assert.doesNotMatch(lines.join("\n"), /%/);
	});
});
