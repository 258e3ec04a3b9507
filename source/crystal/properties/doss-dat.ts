/**
 * DOSS.DAT: `# NEPTS n NPROJ p NSPIN s`, then one row per energy (Hartree relative to the Fermi
 * level, then one column per projection, states/Hartree/cell) and `# EFERMI (HARTREE) value`.
 * Spin-polarised: the beta block (DOS negative) follows after a line `&`. The sign does not tell
 * the blocks apart (the alpha block has small negative values of the fit): the `&` does.
 */
import { columns, type DensityOfStates, hartreeEv, PropertiesFormatError, splitLines } from "./data.js";

const headerPattern = /^#\s*NEPTS\s+(\d+)\s+NPROJ\s+(\d+)\s+NSPIN\s+(\d+)/;
const fermiPattern = /^#\s*EFERMI\s*\(HARTREE\)\s*(\S+)/;

export function readDossDat(text: string): DensityOfStates {
	const lines = splitLines(text);
	const header = headerPattern.exec(lines[0] ?? "");
	if (!header)
		throw new PropertiesFormatError(1, "expected `# NEPTS n NPROJ p NSPIN s` (is this a DOSS.DAT?)");
	const points = Number(header[1]);
	const projections = Number(header[2]);
	const spins = Number(header[3]);
	const blocks: number[][][] = [[]];
	let fermiHartree: number | null = null;
	for (const [at, line] of lines.entries()) {
		if (at === 0) continue;
		const trimmed = line.trim();
		if (trimmed === "" || trimmed.startsWith("@")) continue;
		if (trimmed === "&") {
			blocks.push([]);
			continue;
		}
		if (trimmed.startsWith("#")) {
			const fermi = fermiPattern.exec(trimmed);
			if (fermi) fermiHartree = Number(fermi[1]);
			continue;
		}
		const row = columns(line, at + 1);
		if (row.length !== projections + 1) {
			throw new PropertiesFormatError(
				at + 1,
				`expected ${projections + 1} columns (NPROJ ${projections} + 1), found ${row.length}`,
			);
		}
		blocks.at(-1)?.push(row);
	}
	const filled = blocks.filter((rows) => rows.length > 0);
	if (filled.length !== spins) {
		throw new PropertiesFormatError(lines.length, `NSPIN ${spins} but ${filled.length} block(s) of energies`);
	}
	for (const rows of filled) {
		if (rows.length !== points) {
			throw new PropertiesFormatError(lines.length, `NEPTS ${points} but ${rows.length} rows of energies`);
		}
	}
	const energiesEv = (filled[0] ?? []).map((row) => (row[0] ?? 0) * hartreeEv);
	const dos = filled.map((rows) =>
		Array.from({ length: projections }, (_, projection) =>
			rows.map((row) => (row[projection + 1] ?? 0) / hartreeEv),
		),
	);
	return { energiesEv, dos, fermiHartree };
}
