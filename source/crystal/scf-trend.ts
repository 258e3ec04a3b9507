/**
 * How the SCF in progress is going, from the energy change of its recent cycles, with the edit
 * that usually helps. Pure: it sees only the numbers CRYSTAL printed on its `CYC` lines.
 */
import type { ScfTrend, ScfTrendKind } from "./result.js";

/** Cycles looked at: enough to see a pattern, few enough to follow a change of regime. */
const window = 10;
/** Below this |deltaE| (Hartree) the SCF is at the usual convergence thresholds. */
const settled = 1e-7;

export const trendAdvice: Record<ScfTrendKind, string> = {
	converging: "The SCF is converging normally; nothing to change.",
	slow: "The SCF converges slowly: raise MAXCYCLE (e.g. MAXCYCLE 200) and accelerate it with ANDERSON or BROYDEN 0.0001 50 2; for a metal add SMEAR 0.005.",
	oscillating:
		"The energy swings from cycle to cycle: damp the mixing with FMIXING 70 (up to 90) or LEVSHIFT 5 1; for a metal or a small gap add SMEAR 0.005.",
	diverging:
		"The energy runs away: restart with strong damping (FMIXING 80 and LEVSHIFT 10 1), check the geometry and basis set, or start from a converged density with GUESSP and a staged NAME.f9.",
	stuck:
		"The SCF makes no progress: change the accelerator (BROYDEN 0.0001 50 2 or ANDERSON), add LEVSHIFT 5 1, or start from a better density with GUESSP and a staged NAME.f9.",
};

/**
 * Classifies the signed deltaE (Hartree) of the recent cycles, oldest first. Null until there
 * are at least four cycles to judge.
 */
export function scfTrend(deltaEs: readonly number[]): ScfTrend | null {
	const recent = deltaEs.slice(-window);
	const count = recent.length;
	if (count < 4) return null;
	const logs = recent.map((delta) => Math.log10(Math.max(Math.abs(delta), 1e-16)));
	const first = logs[0] ?? 0;
	const last = logs[count - 1] ?? 0;
	const slope = leastSquaresSlope(logs);
	let flips = 0;
	for (let index = 1; index < count; index++) {
		if (Math.sign(recent[index] ?? 0) !== Math.sign(recent[index - 1] ?? 0)) flips++;
	}
	const flipRatio = flips / (count - 1);
	const spread = Math.max(...logs) - Math.min(...logs);
	let kind: ScfTrendKind;
	if (Math.abs(recent[count - 1] ?? 0) < settled) kind = "converging";
	else if (slope > 0.1 && last > first + 1) kind = "diverging";
	else if (flipRatio >= 0.6 && slope > -0.15) kind = "oscillating";
	else if (slope <= -0.25) kind = "converging";
	else if (slope < -0.05 && spread >= 0.5) kind = "slow";
	else kind = "stuck";
	return { kind, advice: trendAdvice[kind] };
}

/** Slope of the least-squares line through (index, value). */
function leastSquaresSlope(values: readonly number[]): number {
	const count = values.length;
	const meanX = (count - 1) / 2;
	let meanY = 0;
	for (const value of values) meanY += value;
	meanY /= count;
	let numerator = 0;
	let denominator = 0;
	for (let index = 0; index < count; index++) {
		const dx = index - meanX;
		numerator += dx * ((values[index] ?? 0) - meanY);
		denominator += dx * dx;
	}
	return denominator === 0 ? 0 : numerator / denominator;
}
