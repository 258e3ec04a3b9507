/**
 * The result view of a properties job draws what its run left: the band structure with its
 * path labels and gap, and the DOS with its projections, from real properties files of the
 * corpus placed in a job folder under the names the staging table gives them.
 */
import assert from "node:assert/strict";
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, test } from "node:test";
import { noDetailedResults } from "../../source/crystal/result.js";
import { type PropertiesFiles, readPropertiesFiles } from "../../source/jobs/properties-files.js";
import type { JobResult } from "../../source/runner/runner.js";
import { FakeController } from "./fake-controller.js";
import { renderCockpit, type Screen } from "./harness.js";

const corpus = join(import.meta.dirname, "../../../shared/crystal-corpus/properties");

let screen: Screen | null = null;
let dir: string | null = null;
afterEach(() => {
	screen?.unmount();
	screen = null;
	if (dir) rmSync(dir, { recursive: true, force: true });
	dir = null;
});

/** A controller whose one job is the properties run mgo.d3 in `folder`. */
class PropertiesController extends FakeController {
	constructor(private readonly folder: string) {
		super(["mgo"]);
		const job = this.jobs()[0];
		if (!job) throw new Error("no job");
		job.spec = { ...job.spec, id: "mgo.d3", program: "properties", dir: folder };
		job.deckPath = "mgo.d3";
	}

	async propertiesFiles(id: string): Promise<PropertiesFiles | null> {
		this.calls.push(`propertiesFiles ${id}`);
		return readPropertiesFiles(this.folder, "mgo");
	}
}

const finished: JobResult = {
	jobId: "mgo.d3",
	success: true,
	finalEnergyHartree: null,
	scfConverged: null,
	optConverged: null,
	errors: [],
	warnings: [],
	exitCode: 0,
	wallTimeSeconds: 3,
	crystal: {
		program: "PROPERTIES",
		version: "CRYSTAL17 public : 1.0.2 - Oct 20th, 2017",
		calcType: "properties",
		finalEnergyHartree: null,
		scfConverged: null,
		scfCycles: null,
		optConverged: null,
		optCycles: null,
		atomsAsymmetric: null,
		atomsCell: null,
		dimensionality: null,
		spaceGroup: null,
		bandGapEv: null,
		terminatedNormally: true,
		errors: [],
		warnings: [],
		wallTimeSeconds: 3,
		cpuTimeSeconds: 2,
		diagnosis: [],
		...noDetailedResults(),
	},
};

test("Enter on a properties job draws its bands and DOS from the files it left", async () => {
	dir = mkdtempSync(join(tmpdir(), "ct-props-view-"));
	copyFileSync(join(corpus, "cpt_band_mgo.BAND"), join(dir, "mgo_BAND.DAT"));
	copyFileSync(join(corpus, "cpt_doss_mgo.DOSS"), join(dir, "mgo_DOSS.DAT"));
	const c = new PropertiesController(dir);
	screen = await renderCockpit(c, { columns: 100, rows: 60 });
	c.state("mgo.d3", "running");
	c.result("mgo.d3", finished);
	c.state("mgo.d3", "finished", "properties ended normally");
	const pane = await screen.waitFor("mgo.d3 local finished");
	assert.match(pane, /properties: Enter shows the bands and DOS/);
	await screen.press("\r");
	const frame = await screen.waitFor("Band structure (mgo_BAND.DAT)");
	assert.match(frame, /Result: mgo\.d3/);
	assert.doesNotMatch(frame, /Final energy/, "a properties run has no energy of its own");
	assert.match(frame, /Γ +\(2,0,2\)\/4 +\(2,2,2\)\/4 +Γ/);
	assert.match(frame, /gap 7\.124 eV/);
	assert.ok(c.calls.includes("propertiesFiles mgo.d3"));
	await screen.press("G");
	const end = await screen.waitFor("Density of states (mgo_DOSS.DAT)");
	assert.match(end, /projections \(bars scaled to each one's maximum\)/);
});

test("a properties job whose files are not there yet says so, rather than drawing nothing", async () => {
	dir = mkdtempSync(join(tmpdir(), "ct-props-view-"));
	const c = new PropertiesController(dir);
	screen = await renderCockpit(c, { columns: 100, rows: 40 });
	await screen.press("\r");
	const frame = await screen.waitFor("Bands and DOS");
	assert.match(frame, /No NAME_BAND\.DAT, NAME_DOSS\.DAT or NAME\.f25 in the job folder yet/);
});
