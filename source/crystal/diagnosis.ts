/**
 * Diagnosis: which catalogue entries apply to an output, as the result lists them. Line entries
 * come from CRYSTAL's (or the scheduler's) messages; the others from how the output ends and
 * from the trend of the SCF that did not converge.
 */
import { catalogue, cutOffEntry } from "./diagnosis/catalogue.js";
import type { Diagnosis, ScfTrend } from "./result.js";

export { catalogue } from "./diagnosis/catalogue.js";

/** The catalogue entry for one output line, or null when it names no known problem. */
export function diagnoseLine(line: string): Diagnosis | null {
	for (const entry of catalogue) {
		const match = entry.pattern.exec(line);
		if (!match) continue;
		return {
			id: entry.id,
			severity: entry.severity,
			line: line.trim(),
			cause: typeof entry.cause === "string" ? entry.cause : entry.cause(match),
			fix: typeof entry.fix === "string" ? entry.fix : entry.fix(match),
		};
	}
	return null;
}

/** For an output that is complete but never reached CRYSTAL's termination line. */
export function cutOffDiagnosis(): Diagnosis {
	const { id, severity, cause, fix } = cutOffEntry;
	return { id, severity, cause, fix, line: null };
}

/** Advice from the trend of an SCF that is still running or did not converge. */
export function trendDiagnosis(trend: ScfTrend): Diagnosis | null {
	if (trend.kind === "converging") return null;
	return {
		id: `scf-${trend.kind}`,
		severity: "warning",
		line: null,
		cause: trendCause[trend.kind],
		fix: trend.advice,
	};
}

const trendCause: Record<ScfTrend["kind"], string> = {
	converging: "The SCF energy change shrinks steadily.",
	slow: "The SCF energy change shrinks, but too slowly to converge within a normal number of cycles.",
	oscillating: "The SCF energy goes up and down from cycle to cycle instead of settling.",
	diverging: "The SCF energy change grows from cycle to cycle.",
	stuck: "The SCF energy change stays at the same size from cycle to cycle.",
};
