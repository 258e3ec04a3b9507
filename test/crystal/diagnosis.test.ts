/** Each catalogue entry on a real corpus line or a faithful CRYSTAL / scheduler line. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { catalogue, cutOffDiagnosis, diagnoseLine, trendDiagnosis } from "../../source/crystal/diagnosis.js";
import { scfTrend } from "../../source/crystal/scf-trend.js";

const lines: Record<string, { line: string; fix: RegExp }> = {
	"scf-too-many-cycles": {
		line: " == SCF ENDED - TOO MANY CYCLES            E(AU) -2.4226589767476E+02 CYCLES  30",
		fix: /MAXCYCLE.*FMIXING.*LEVSHIFT.*(ANDERSON|BROYDEN).*SMEAR.*GUESSP/,
	},
	"opt-failed": {
		line: " * OPT END - FAILED * E(AU):  -2.753611401017E+02  POINTS    4 *",
		fix: /MAXCYCLE.*RESTART.*OPTINFO\.DAT.*HESSOPT\.DAT/,
	},
	"input-keyword": { line: " ERROR **** INPUT **** OPTGOEM - KEYWORD NOT ALLOWED", fix: /NAME\.d12/ },
	"basis-linear-dependence": {
		line: " ERROR **** CHOLSK **** BASIS SET LINEARLY DEPENDENT",
		fix: /LDREMO|TOLINTEG/,
	},
	memory: {
		line: " ERROR **** GETMEM **** INSUFFICIENT MEMORY - ALLOCATION FAILED",
		fix: /memory.*ranks|ranks.*memory/,
	},
	integrals: {
		line: " ERROR **** INT_CALC **** TOO MANY BIELECTRONIC INTEGRALS",
		fix: /TOLINTEG 8 8 8 8 16/,
	},
	walltime: {
		line: "slurmstepd: error: *** JOB 4418207 ON cn0412 CANCELLED AT 2024-11-30T04:00:27 DUE TO TIME LIMIT ***",
		fix: /walltime.*RESTART.*OPTINFO\.DAT.*GUESSP/,
	},
	"job-cancelled": {
		line: "slurmstepd: error: *** JOB 4418207 ON cn0412 CANCELLED AT 2024-11-30T04:00:27 ***",
		fix: /RESTART|GUESSP/,
	},
	"missing-guess-wavefunction": {
		// What the Intel Fortran runtime prints when GUESSP finds no fort.20 (see fixtures/bin).
		line: "forrtl: severe (24): end-of-file during read, unit 20, file /scratch/crystal-tui.x1/fort.20",
		fix: /NAME\.f9/,
	},
	"missing-external-geometry": {
		line: "forrtl: severe (24): end-of-file during read, unit 34, file /scratch/crystal-tui.x1/fort.34",
		fix: /NAME\.gui/,
	},
	"process-crashed": { line: "forrtl: severe (174): SIGSEGV, segmentation fault occurred", fix: /memory/ },
	"crystal-error": { line: " ERROR **** NEIGHB **** ATOMS TOO CLOSE - CHECK INPUT", fix: /manual/ },
	"bipo-buffer": {
		// Real line: cpt_qha_paracetamolGp4.out.
		line: " WARNING **** GENPOG **** COULOMB BIPO BUFFER TOO SMALL - TO AVOID I/O SET BIPOSIZE =     5697400",
		fix: /BIPOSIZE 5697400/,
	},
	"freqcalc-scf-tolerance": {
		// Real line: cpt_spec_dryIceS1IR.out.
		line: " WARNING **** READM2 **** PROBABLE LOSS IN FREQCALC ACCURACY; SCF TOL LT          10",
		fix: /TOLDEE 10/,
	},
	"conducting-gradient": {
		// Real line: a17_cry14_scf_and_opt.out.
		line: " WARNING **** SCF **** GRADIENT NOT FULLY IMPLEMENTED FOR CONDUCTING SYSTEMS",
		fix: /SMEAR/,
	},
};

describe("diagnosis catalogue", () => {
	for (const entry of catalogue) {
		test(`${entry.id} is recognised on its line`, () => {
			const sample = lines[entry.id];
			assert.ok(sample, `a sample line for ${entry.id}`);
			const diagnosis = diagnoseLine(sample.line);
			assert.equal(diagnosis?.id, entry.id);
			assert.equal(diagnosis?.line, sample.line.trim());
			assert.match(diagnosis?.fix ?? "", sample.fix);
			assert.ok((diagnosis?.cause.length ?? 0) > 20);
		});
	}

	test("the generic error entry names the routine and the message", () => {
		assert.match(diagnoseLine(lines["crystal-error"]?.line ?? "")?.cause ?? "", /NEIGHB: ATOMS TOO CLOSE/);
	});

	test("lines that only look like errors are not diagnosed", () => {
		for (const line of [
			"    Error_Path = login-3-internal.cx1.hpc.ic.ac.uk:/work/cjs14/staging_area/iro",
			"Lmod has detected the following error: The following module(s) are unknown:",
			" INFORMATION **** TOLDEE **** SCF TOL ON TOTAL ENERGY SET TO           9",
			" == SCF ENDED - CONVERGENCE ON ENERGY      E(AU) -3.1282834832786E+03 CYCLES  16",
			" * OPT END - CONVERGED * E(AU):  -3.128318293403E+03  POINTS   19 *",
			" EEEEEEEEEE INT_CALC TERMINATION  DATE 04 09 2018 TIME 23:27:06.6",
		]) {
			assert.equal(diagnoseLine(line), null, line);
		}
	});

	test("a cut-off run gets advice to look at the scheduler and continue", () => {
		const diagnosis = cutOffDiagnosis();
		assert.equal(diagnosis.line, null);
		assert.match(diagnosis.fix, /GUESSP.*|RESTART/);
	});
});

/** Signed deltaE per cycle built from a rule, for the trend tests. */
function deltas(count: number, rule: (cycle: number) => number): number[] {
	return Array.from({ length: count }, (_, index) => rule(index + 1));
}

describe("SCF trend", () => {
	test("too few cycles to judge", () => {
		assert.equal(scfTrend([-1e-2, -1e-3, -1e-4]), null);
	});

	test("converging: the change drops by a decade every cycle or two", () => {
		assert.equal(scfTrend(deltas(8, (n) => -(10 ** -(n * 0.8))))?.kind, "converging");
	});

	test("slow: the change shrinks, but by far less than a decade per cycle", () => {
		assert.equal(scfTrend(deltas(10, (n) => -(10 ** (-2 - n * 0.1))))?.kind, "slow");
	});

	test("oscillating: the energy goes up and down without settling", () => {
		const trend = scfTrend(deltas(10, (n) => (n % 2 === 0 ? 1 : -1) * 3e-3 * 0.98 ** n));
		assert.equal(trend?.kind, "oscillating");
		assert.match(trend?.advice ?? "", /FMIXING.*LEVSHIFT/);
	});

	test("diverging: the change grows by decades", () => {
		const trend = scfTrend(deltas(8, (n) => 10 ** (-5 + n * 0.5)));
		assert.equal(trend?.kind, "diverging");
		assert.match(trend?.advice ?? "", /GUESSP/);
	});

	test("stuck: the change keeps the same size", () => {
		const trend = scfTrend(deltas(10, (n) => -2e-4 * (1 + 0.1 * Math.sin(n))));
		assert.equal(trend?.kind, "stuck");
		assert.match(trend?.advice ?? "", /BROYDEN|ANDERSON/);
	});

	test("an SCF within the usual thresholds is converging", () => {
		assert.equal(scfTrend([3e-3, -2e-3, 1e-3, -5e-9])?.kind, "converging");
	});

	test("trend advice becomes a diagnosis, except for a normal convergence", () => {
		assert.equal(trendDiagnosis({ kind: "converging", advice: "" }), null);
		const stuck = trendDiagnosis({ kind: "stuck", advice: "change the accelerator" });
		assert.equal(stuck?.id, "scf-stuck");
		assert.equal(stuck?.line, null);
	});
});
