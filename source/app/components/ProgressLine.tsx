import { Text } from "ink";
import { memo } from "react";
import { formatDelta, formatEnergy, sparkline } from "../format.js";
import type { JobView } from "../store.js";
import { useTheme } from "../theme.js";

/** The parser's live view of the run, or its outcome once it ended. */
export function progressText(job: JobView, width: number): { text: string; spark: string } {
	const p = job.progress;
	const r = job.result;
	if (r && !["queued", "starting", "running", "stopping"].includes(job.state)) {
		const parts = [
			r.crystal.calcType === "properties"
				? "properties: Enter shows the bands and DOS"
				: r.finalEnergyHartree === null
					? "no final energy"
					: `E ${formatEnergy(r.finalEnergyHartree)}`,
		];
		if (r.scfConverged !== null) {
			const cycles = r.crystal.scfCycles === null ? "" : ` in ${r.crystal.scfCycles} cycles`;
			parts.push(r.scfConverged ? `SCF converged${cycles}` : "SCF NOT converged");
		}
		if (r.optConverged !== null) parts.push(r.optConverged ? "opt converged" : "opt NOT converged");
		if (r.errors[0]) parts.push(r.errors[0]);
		return { text: parts.join(" · "), spark: "" };
	}
	if (!p) return { text: job.state === "idle" ? "not run yet (s starts it)" : "", spark: "" };
	const parts: string[] = [p.phase];
	if (p.optPoint !== null) parts.push(`opt ${p.optPoint}`);
	if (p.scfCycle !== null) parts.push(`cyc ${p.scfCycle}`);
	if (p.energyHartree !== null) parts.push(`E ${formatEnergy(p.energyHartree)}`);
	if (p.deltaEHartree !== null) parts.push(`ΔE ${formatDelta(p.deltaEHartree)}`);
	const text = parts.join(" ");
	const room = width - text.length - 1;
	return { text, spark: room >= 4 ? sparkline(p.deltaEHistory, Math.min(24, room)) : "" };
}

export function ProgressLine({ job, width }: { job: JobView; width: number }) {
	// One column in, under the title band's state mark.
	const { text, spark } = progressText(job, width - 1);
	const trend = job.progress?.trend;
	return <ProgressText text={text} spark={spark} warn={Boolean(trend && trend.kind !== "converging")} />;
}

/** Drawn again only when its text changed: not at every tick of the clock. (Compared by what
 * it shows, not by the job's objects, which the store may update in place.) */
const ProgressText = memo(function ProgressText({
	text,
	spark,
	warn,
}: {
	text: string;
	spark: string;
	warn: boolean;
}) {
	const theme = useTheme();
	const trendColor = warn ? theme.color("yellow") : theme.color("gray");
	return (
		<Text wrap="truncate">
			<Text> {text}</Text>
			{spark ? <Text color={trendColor}> {spark}</Text> : null}
		</Text>
	);
});
