/**
 * The result view as lines: the parsed result, the SCF and optimisation history as far as
 * seen, and what to change when something went wrong. Plain data, so the view just scrolls it.
 */
import type { BandGap } from "../crystal/result.js";
import type { PropertiesFiles } from "../jobs/properties-files.js";
import { attemptLines } from "./attempt-lines.js";
import { propertiesSections } from "./charts/properties-charts.js";
import { resultCharts, scfChart } from "./charts/result-charts.js";
import { formatDelta, formatDuration, formatEnergy, sparkline } from "./format.js";
import type { JobView } from "./store.js";

export type Tone = "title" | "good" | "bad" | "warn" | "dim" | "plain" | "fix";

export interface Line {
	text: string;
	tone: Tone;
}

function yesNo(value: boolean | null, yes: string, no: string): string {
	return value === null ? "–" : value ? yes : no;
}

function gap(value: BandGap): string {
	if (value === null) return "–";
	if (typeof value === "number") return `${value.toFixed(3)} eV`;
	return `α ${value.alpha.toFixed(3)} eV, β ${value.beta.toFixed(3)} eV`;
}

/** What the view shows beyond the job's parsed result: a properties job's bands and DOS. */
export interface ResultExtras {
	properties?: PropertiesFiles | null;
	/** Rows of the view, for the height of the band and DOS charts. */
	rows?: number;
}

/** `width`: columns the lines may use (the charts are drawn to it). */
export function resultLines(job: JobView, width = 80, extras: ResultExtras = {}): Line[] {
	const lines: Line[] = [];
	const add = (text: string, tone: Tone = "plain") => lines.push({ text, tone });
	const r = job.result;
	const c = r?.crystal;
	const detail = job.detail && job.detail !== job.state ? `: ${job.detail}` : "";
	add(`${job.name} (${job.deckPath}) · ${job.state}${detail}`, "title");
	// A properties job is looked at for its pictures: they come first, whole on the first screen.
	const pictures = extras.properties
		? propertiesSections(extras.properties, width, (extras.rows ?? 24) - 1)
		: [];
	for (const section of pictures) {
		add(section.title, "title");
		for (const line of section.lines) add(line.text, line.tone);
	}
	add("");
	if (!r || !c) {
		add(job.state === "idle" ? "Not run yet." : "No result yet: the job has not ended.", "dim");
	} else {
		add(r.success ? "Success" : "Did not succeed", r.success ? "good" : "bad");
		// A properties run reads the SCF's wave function: it has no energy or SCF of its own.
		if (c.calcType !== "properties") {
			add(`Final energy      ${formatEnergy(r.finalEnergyHartree)}`);
			add(
				`SCF               ${yesNo(r.scfConverged, "converged", "NOT converged")}${c.scfCycles === null ? "" : ` after ${c.scfCycles} cycles`}`,
				r.scfConverged === false ? "bad" : "plain",
			);
		}
		if (r.optConverged !== null || c.optCycles !== null) {
			add(
				`Optimisation      ${yesNo(r.optConverged, "converged", "NOT converged")}${c.optCycles === null ? "" : ` after ${c.optCycles} points`}`,
				r.optConverged === false ? "bad" : "plain",
			);
		}
		add(`Calculation       ${c.calcType ?? "–"} · ${c.program ?? "–"} ${c.version ?? ""}`.trimEnd());
		if (c.spaceGroup || c.atomsCell !== null) {
			add(
				`System            ${c.spaceGroup ?? "–"} · ${c.atomsCell ?? "–"} atoms in the cell · ${c.dimensionality ?? "–"}D`,
			);
		}
		add(`Band gap          ${gap(c.bandGapEv)}`);
		add(
			`Times             wall ${formatDuration(r.wallTimeSeconds ?? c.wallTimeSeconds)} · CPU ${formatDuration(c.cpuTimeSeconds)}`,
		);
		add(
			`Exit              ${r.exitCode === null ? "no exit record" : `code ${r.exitCode}`} · ${c.terminatedNormally ? "terminated normally" : "did not terminate normally"}`,
			c.terminatedNormally ? "plain" : "warn",
		);
		for (const e of r.errors) add(`Error: ${e}`, "bad");
		for (const w of r.warnings) add(`Warning: ${w}`, "warn");
	}
	lines.push(...attemptLines(job));
	// The structure a properties output prints is its SCF's: shown in the SCF's view.
	const charts = c && c.calcType !== "properties" ? resultCharts(c, width) : [];
	for (const section of charts) {
		add("");
		add(section.title, "title");
		for (const line of section.lines) add(line.text, line.tone);
	}

	lines.push(...adviceLines(job, width));
	const scf = job.scfHistory;
	const deltas = job.progress?.deltaEHistory ?? [];
	if (scf.length > 0 || deltas.length > 0) {
		add("");
		add("SCF history (as seen while it ran)", "title");
		if (!c && deltas.length > 1) {
			// A running job: its recent cycles as a chart, until the result has the whole SCF.
			const recent = deltas.map((value) => 10 ** value);
			for (const line of scfChart(recent, null, width)) add(line.text, line.tone);
		} else if (deltas.length > 0) add(`log10|ΔE| ${sparkline(deltas, 60)}`, "dim");
		for (const p of scf.slice(-200)) {
			add(`  cycle ${String(p.cycle).padStart(4)}  E ${formatEnergy(p.energy)}  ΔE ${formatDelta(p.deltaE)}`);
		}
	}
	if (job.optHistory.length > 0) {
		add("");
		add("Optimisation history", "title");
		let previous: number | null = null;
		for (const p of job.optHistory) {
			const change = previous === null ? "" : `  ΔE ${formatDelta(p.energy - previous)}`;
			add(`  point ${String(p.point).padStart(3)}  E ${formatEnergy(p.energy)}${change}`);
			previous = p.energy;
		}
		const tests = job.progress?.optConvergence;
		if (tests) {
			add(
				`  last tests: ${Object.entries(tests)
					.map(([k, ok]) => `${k} ${ok ? "yes" : "no"}`)
					.join(", ")}`,
				"dim",
			);
		}
	}
	return lines;
}

/**
 * "What to change": each diagnosis with its edit, then the live SCF trend. Each piece of
 * advice is given once: an edit two diagnoses share, or a trend whose advice names only deck
 * keywords an edit above already names (FMIXING, LEVSHIFT...), is not repeated. Wrapped to
 * `width`, so a long edit is read whole rather than cut.
 */
function adviceLines(job: JobView, width: number): Line[] {
	const lines: Line[] = [];
	const add = (text: string, tone: Tone, indent = "") => {
		for (const row of wrap(text, width, indent)) lines.push({ text: row, tone });
	};
	const diagnosis = job.result?.crystal?.diagnosis ?? [];
	const trend = job.progress?.trend ?? null;
	if (diagnosis.length === 0 && (!trend || trend.kind === "converging")) return lines;
	lines.push({ text: "", tone: "plain" });
	lines.push({ text: "What to change", tone: "title" });
	const given = new Set<string>();
	const keywords = new Set<string>();
	for (const d of diagnosis) {
		add(
			`${d.severity === "error" ? "✗" : d.severity === "warning" ? "!" : "i"} ${d.cause}`,
			d.severity === "error" ? "bad" : "warn",
			"  ",
		);
		if (!given.has(d.fix)) {
			given.add(d.fix);
			for (const k of deckKeywords(d.fix)) keywords.add(k);
			add(`  edit the deck: ${d.fix}`, "fix", "    ");
		}
		if (d.line) add(`  from: ${d.line}`, "dim", "    ");
	}
	if (trend && trend.kind !== "converging") {
		add(`! SCF is ${trend.kind}`, "warn", "  ");
		const named = deckKeywords(trend.advice);
		if (named.length === 0 || named.some((k) => !keywords.has(k))) add(`  ${trend.advice}`, "fix", "  ");
	}
	return lines;
}

/** The CRYSTAL keywords an edit names (upper-case words of four letters or more). */
const deckKeywords = (text: string): string[] => text.match(/\b[A-Z][A-Z0-9]{3,}\b/g) ?? [];

/** Word-wraps `text` to `width` columns; continuation rows start with `indent`. */
function wrap(text: string, width: number, indent: string): string[] {
	if (!Number.isFinite(width) || text.length <= width) return [text];
	const rows: string[] = [];
	let row = "";
	for (const word of text.split(/(?<=\S) +/)) {
		const candidate = row === "" ? word : `${row} ${word}`;
		if (candidate.length <= width || row.trim() === "") {
			row = candidate;
			continue;
		}
		rows.push(row);
		row = `${indent}${word}`;
	}
	if (row.trim() !== "") rows.push(row);
	return rows;
}
