/**
 * BAND.DAT (written by BAND with the xmgrace format): `# NKPT n NBND m NSPIN s`, `# NPANEL p`,
 * one `#  index  (h,k,l)/d` line per turning point of the path, `@` plot settings, then one row
 * per k point (path coordinate, then the bands, Hartree relative to the Fermi level) and
 * `# EFERMI (HARTREE) value`. A second spin follows after a line `&`.
 */
import {
	type BandPathPoint,
	type BandStructure,
	columns,
	hartreeEv,
	PropertiesFormatError,
	splitLines,
} from "./data.js";

const headerPattern = /^#\s*NKPT\s+(\d+)\s+NBND\s+(\d+)\s+NSPIN\s+(\d+)/;
const vertexPattern = /^#\s+(\d+)\s+(\(.*\)\S*)\s*$/;
const fermiPattern = /^#\s*EFERMI\s*\(HARTREE\)\s*(\S+)/;

export function readBandDat(text: string): BandStructure {
	const lines = splitLines(text);
	const header = headerPattern.exec(lines[0] ?? "");
	if (!header) throw new PropertiesFormatError(1, "expected `# NKPT n NBND m NSPIN s` (is this a BAND.DAT?)");
	const kPoints = Number(header[1]);
	const bands = Number(header[2]);
	const spins = Number(header[3]);
	const vertices: { index: number; label: string }[] = [];
	const spinRows: number[][][] = [[]];
	let fermiHartree: number | null = null;
	for (const [at, line] of lines.entries()) {
		if (at === 0) continue;
		const trimmed = line.trim();
		if (trimmed === "") continue;
		if (trimmed === "&") {
			spinRows.push([]);
			continue;
		}
		if (trimmed.startsWith("@")) continue;
		if (trimmed.startsWith("#")) {
			const fermi = fermiPattern.exec(trimmed);
			if (fermi) fermiHartree = Number(fermi[1]);
			const vertex = vertexPattern.exec(trimmed);
			if (vertex && spinRows.length === 1 && (spinRows[0]?.length ?? 0) === 0) {
				vertices.push({ index: Number(vertex[1]) - 1, label: vertex[2] ?? "" });
			}
			continue;
		}
		const row = columns(line, at + 1);
		if (row.length !== bands + 1) {
			throw new PropertiesFormatError(
				at + 1,
				`expected ${bands + 1} columns (NBND ${bands} + 1), found ${row.length}`,
			);
		}
		spinRows.at(-1)?.push(row);
	}
	const blocks = spinRows.filter((rows) => rows.length > 0);
	if (blocks.length !== spins) {
		throw new PropertiesFormatError(lines.length, `NSPIN ${spins} but ${blocks.length} block(s) of k points`);
	}
	for (const rows of blocks) {
		if (rows.length !== kPoints) {
			throw new PropertiesFormatError(lines.length, `NKPT ${kPoints} but ${rows.length} rows of k points`);
		}
	}
	const first = blocks[0] ?? [];
	const distances = first.map((row) => row[0] ?? 0);
	const energiesEv = blocks.map((rows) =>
		Array.from({ length: bands }, (_, band) => rows.map((row) => (row[band + 1] ?? 0) * hartreeEv)),
	);
	const path: BandPathPoint[] = vertices
		.filter((vertex) => vertex.index >= 0 && vertex.index < kPoints)
		.map((vertex) => ({ ...vertex, distance: distances[vertex.index] ?? 0 }));
	return { distances, energiesEv, path, fermiHartree };
}
