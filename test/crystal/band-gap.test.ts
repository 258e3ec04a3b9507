/** Band gaps of the final state: closed shell, spin pairs, conducting and unconverged states. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { CrystalParser } from "../../source/crystal/parser.js";
import type { BandGap } from "../../source/crystal/result.js";

function gapOf(lines: string[]): BandGap {
	const parser = new CrystalParser();
	for (const line of lines) parser.feedLine(line);
	parser.end();
	return parser.result().bandGapEv;
}

const cycle = (n: number, energy: string, delta: string) =>
	` CYC ${String(n).padStart(3)} ETOT(AU) ${energy} DETOT ${delta} tst  1.00E-08 PX  1.00E-04`;
const fdik = " TTTTTTTTTTTTTTTTTTTTTTTTTTTTTT FDIK        TELAPSE        2.47 TCPU        2.36";
const pdig = " TTTTTTTTTTTTTTTTTTTTTTTTTTTTTT PDIG        TELAPSE        2.47 TCPU        2.37";
const converged = " == SCF ENDED - CONVERGENCE ON ENERGY      E(AU) -3.1282821685295E+03 CYCLES   2";

/** One SCF cycle of an open-shell run: alpha block, then beta block, as CRYSTAL prints them. */
function spinCycle(n: number, alpha: string, beta: string): string[] {
	return [
		cycle(n, "-3.128282168530E+03", "-1.96E-06"),
		fdik,
		"",
		"    ALPHA      ELECTRONS",
		" INSULATING STATE",
		" TOP OF VALENCE BANDS -    BAND     37; K    1; EIG -2.5062470E-01 AU",
		" BOTTOM OF VIRTUAL BANDS - BAND     38; K    1; EIG -1.0311541E-01 AU",
		` DIRECT ENERGY BAND GAP:   ${alpha} eV`,
		"",
		"    BETA       ELECTRONS",
		" INSULATING STATE",
		` INDIRECT ENERGY BAND GAP:   ${beta} eV`,
		pdig,
	];
}

test("spin-polarised SCF: the last cycle's alpha and beta gaps", () => {
	const gap = gapOf([...spinCycle(1, "4.0012", "2.1013"), ...spinCycle(2, "4.0004", "2.1001"), converged]);
	assert.deepEqual(gap, { alpha: 4.0004, beta: 2.1001 });
});

test("closed shell: the gap of the last cycle, not an earlier one", () => {
	const gap = gapOf([
		cycle(1, "-3.045139942637E+02", "-1.00E-03"),
		fdik,
		" INDIRECT ENERGY BAND GAP:   5.8581 eV",
		pdig,
		cycle(2, "-3.045139942637E+02", " 4.00E-10"),
		fdik,
		" INDIRECT ENERGY BAND GAP:   5.8543 eV",
		pdig,
		converged,
	]);
	assert.equal(gap, 5.8543);
});

test("a state that turned conducting has no gap", () => {
	const gap = gapOf([
		cycle(1, "-3.045139942637E+02", "-1.00E-03"),
		fdik,
		" DIRECT ENERGY BAND GAP:   0.4120 eV",
		pdig,
		cycle(2, "-3.045139942637E+02", " 4.00E-10"),
		fdik,
		" POSSIBLY CONDUCTING STATE - EFERMI(AU) -1.3659226E-01 (RES. CHARGE  4.94E-11;IT. 12)",
		pdig,
		converged,
	]);
	assert.equal(gap, null);
});

test("optimisation: the summary after OPT END, per spin when printed per spin", () => {
	const opt = [
		" CELL OPTIMIZATION - POINT    1",
		fdik,
		" DIRECT ENERGY BAND GAP:   4.9000 eV",
		pdig,
		" * OPT END - CONVERGED * E(AU):  -3.128318293403E+03  POINTS    3 *",
	];
	assert.equal(gapOf([...opt, "   BAND GAP:                      5.8207  eV "]), 5.8207);
	assert.deepEqual(gapOf([...opt, "   ALPHA BAND GAP:    3.9001  eV", "   BETA BAND GAP:     2.0999  eV"]), {
		alpha: 3.9001,
		beta: 2.0999,
	});
	assert.equal(gapOf(opt), null, "no summary: the point-1 gap is stale");
});
