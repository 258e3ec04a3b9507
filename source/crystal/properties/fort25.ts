/**
 * fort.25 (properties' plotting file): blocks of
 *   `-%-` + flag + `DOSS`|`BAND` + NROW (I5) + NCOL (I5) + three E12.5 (0, step, Fermi energy)
 *   two E12.5, six I5, then NROW x NCOL values six to a line in fixed 12-character fields.
 * Fields are read by width, never by blanks: negative numbers run together
 * (`6.28050E-04-1.26886E-01`). An odd flag (1, 3) is an open shell: its blocks are the alpha
 * ones, then the beta ones. Energies here are absolute Hartree.
 * DOSS block: one projection; line 2 holds the first energy, the step is the energy step.
 * BAND block: one segment of the path; NROW bands, NCOL k points, band-fastest per k point;
 * the step is the path step, line 3 the segment's end points in units of the shrinking factor.
 * Only the first segment holds its start point: a later one begins one step past the previous
 * end (as BAND.DAT of the same run lists them, with no k point twice).
 */
import {
	type BandPathPoint,
	type BandStructure,
	type DensityOfStates,
	hartreeEv,
	PropertiesFormatError,
	splitLines,
} from "./data.js";

export interface Fort25 {
	dos: DensityOfStates | null;
	bands: BandStructure | null;
}

interface Block {
	type: "DOSS" | "BAND";
	openShell: boolean;
	rows: number;
	cols: number;
	step: number;
	fermi: number;
	second: [number, number];
	ints: number[];
	values: number[];
}

function field(line: string, start: number, width: number, lineNumber: number): number {
	const text = line.slice(start, start + width).trim();
	const value = Number(text);
	if (text === "" || !Number.isFinite(value)) {
		throw new PropertiesFormatError(
			lineNumber,
			`no number in columns ${start + 1}-${start + width}: "${text}"`,
		);
	}
	return value;
}

function fixedWidth(line: string, width: number, lineNumber: number): number[] {
	const values: number[] = [];
	const length = line.trimEnd().length;
	for (let start = 0; start < length; start += width) values.push(field(line, start, width, lineNumber));
	return values;
}

function readBlocks(lines: string[]): Block[] {
	const blocks: Block[] = [];
	let at = 0;
	while (at < lines.length) {
		const header = lines[at] ?? "";
		if (header.trim() === "") {
			at++;
			continue;
		}
		if (!header.startsWith("-%-")) {
			throw new PropertiesFormatError(
				at + 1,
				"expected a block header starting with -%- (is this a fort.25?)",
			);
		}
		const type = header.slice(4, 8);
		if (type !== "DOSS" && type !== "BAND") {
			throw new PropertiesFormatError(at + 1, `block type ${type} is not DOSS or BAND`);
		}
		const flag = Number(header.charAt(3));
		const rows = field(header, 8, 5, at + 1);
		const cols = field(header, 13, 5, at + 1);
		const step = field(header, 30, 12, at + 1);
		const fermi = field(header, 42, 12, at + 1);
		const secondLine = fixedWidth(lines[at + 1] ?? "", 12, at + 2);
		const ints = (lines[at + 2] ?? "").trim().split(/\s+/).map(Number);
		const wanted = rows * cols;
		const values: number[] = [];
		at += 3;
		while (values.length < wanted) {
			const line = lines[at];
			if (line === undefined || line.startsWith("-%-")) {
				throw new PropertiesFormatError(at + 1, `block of ${wanted} values ends after ${values.length}`);
			}
			values.push(...fixedWidth(line, 12, at + 1));
			at++;
		}
		blocks.push({
			type,
			openShell: flag % 2 === 1,
			rows,
			cols,
			step,
			fermi,
			second: [secondLine[0] ?? 0, secondLine[1] ?? 0],
			ints,
			values,
		});
	}
	return blocks;
}

export function readFort25(text: string): Fort25 {
	const blocks = readBlocks(splitLines(text));
	return {
		dos: densityOfStates(blocks.filter((block) => block.type === "DOSS")),
		bands: bandStructure(blocks.filter((block) => block.type === "BAND")),
	};
}

function halves<T>(items: T[], openShell: boolean): T[][] {
	if (!openShell || items.length % 2 !== 0) return [items];
	return [items.slice(0, items.length / 2), items.slice(items.length / 2)];
}

function densityOfStates(blocks: Block[]): DensityOfStates | null {
	const first = blocks[0];
	if (first === undefined) return null;
	const energiesEv = Array.from(
		{ length: first.cols },
		(_, point) => (first.second[1] + point * first.step - first.fermi) * hartreeEv,
	);
	const spins = halves(blocks, first.openShell);
	return {
		energiesEv,
		dos: spins.map((spin) => spin.map((block) => block.values.map((value) => value / hartreeEv))),
		fermiHartree: first.fermi,
	};
}

function bandStructure(blocks: Block[]): BandStructure | null {
	const first = blocks[0];
	if (first === undefined) return null;
	const spins = halves(blocks, first.openShell);
	const segments = spins[0] ?? [];
	const distances: number[] = [];
	const path: BandPathPoint[] = [];
	let start = 0;
	for (const [at, segment] of segments.entries()) {
		const from = segment.ints.slice(0, 3).join(",");
		const to = segment.ints.slice(3, 6).join(",");
		if (path.at(-1)?.label !== `(${from})`)
			path.push({ index: distances.length, distance: start, label: `(${from})` });
		// The first segment holds both its ends; the next ones start one step after the end of
		// the previous one (MgO's 53 + 45 + 45 + 58 points for 52 + 45 + 45 + 58 steps).
		const skip = at === 0 ? 0 : 1;
		for (let k = 0; k < segment.cols; k++) distances.push(start + (k + skip) * segment.step);
		start += (segment.cols - 1 + skip) * segment.step;
		path.push({ index: distances.length - 1, distance: start, label: `(${to})` });
	}
	const energiesEv = spins.map((spin) => {
		const bands = spin[0]?.rows ?? 0;
		return Array.from({ length: bands }, (_, band) =>
			spin.flatMap((segment) =>
				Array.from(
					{ length: segment.cols },
					(_, k) => ((segment.values[k * segment.rows + band] ?? 0) - segment.fermi) * hartreeEv,
				),
			),
		);
	});
	return { distances, energiesEv, path, fermiHartree: first.fermi };
}
