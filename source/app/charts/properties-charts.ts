/**
 * The pictures of a properties job's result view: its band structure and its density of
 * states, drawn from the files the run left (jobs/properties-files.ts), each under a title that
 * names the file it was read from. Sized to the view: at 80x24 a chart fits one screen.
 */
import type { PropertiesFiles } from "../../jobs/properties-files.js";
import { bandsChart } from "./bands-chart.js";
import { dosChart } from "./dos-chart.js";
import type { ChartLine } from "./result-charts.js";

export interface ChartSection {
	title: string;
	lines: ChartLine[];
}

/** `rows`: the height of the view the charts scroll in. */
export function propertiesSections(files: PropertiesFiles, width: number, rows: number): ChartSection[] {
	const sections: ChartSection[] = [];
	const height = Math.max(8, Math.min(40, rows - 4));
	if (files.bands && files.bandsFile) {
		sections.push({
			title: `Band structure (${files.bandsFile})`,
			lines: bandsChart(files.bands, { width, height }).map((text) => ({ text, tone: "plain" })),
		});
	}
	if (files.dos && files.dosFile) {
		sections.push({
			title: `Density of states (${files.dosFile})`,
			lines: dosChart(files.dos, { width, height: Math.max(6, Math.round(height / 2)) }).map((text) => ({
				text,
				tone: "plain",
			})),
		});
	}
	for (const problem of files.problems) {
		sections.push({ title: "Could not read", lines: [{ text: problem, tone: "bad" }] });
	}
	if (sections.length === 0) {
		sections.push({
			title: "Bands and DOS",
			lines: [{ text: "No NAME_BAND.DAT, NAME_DOSS.DAT or NAME.f25 in the job folder yet.", tone: "dim" }],
		});
	}
	return sections;
}
