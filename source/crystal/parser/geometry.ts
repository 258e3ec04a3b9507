/**
 * Structures: the `GEOMETRY FOR WAVE FUNCTION` block (what the first SCF computed), the
 * `FINAL OPTIMIZED GEOMETRY` block after OPT END, and the header of a properties output (its
 * lattice and a table of Cartesian atoms, made fractional with the direct lattice vectors).
 */
import type { Geometry, GeometryAtom, Lattice } from "../result.js";
import { fortranNumber, wholeNumber } from "./numbers.js";
import { type BlockReader, maxTableRows, type ParseState } from "./state.js";

const dimensionalityPattern = /DIMENSIONALITY OF THE SYSTEM\s+(\d+)/;
const volumePattern = /VOLUME=\s*(\S+)/;
const numberPattern = /[-+]?(?:\d+\.\d*|\.\d+)(?:[EeDd][-+]?\d+)?/g;
const atomRowPattern = /^\s*\d+\s+[TF]\s+(\d+)\s+([A-Za-z]{1,2})\s+(\S+)\s+(\S+)\s+(\S+)\s*$/;
/** Lines a geometry block may show before its first atom row (title, stars, lattice, headers). */
const maxHeaderLines = 12;

/** Element symbol in its usual case: `NI` -> `Ni`. */
export function elementSymbol(printed: string): string {
	return printed.charAt(0).toUpperCase() + printed.slice(1).toLowerCase();
}

/** The members of a printed lattice that exist for the dimensionality: a slab has a, b, gamma. */
export function latticeFor(values: number[], dimensionality: number | null): Lattice {
	const [a, b, c, alpha, beta, gamma] = values.map((value) => value ?? null);
	const d = dimensionality ?? 3;
	return {
		a: d >= 1 ? (a ?? null) : null,
		b: d >= 2 ? (b ?? null) : null,
		c: d >= 3 ? (c ?? null) : null,
		alpha: d >= 3 ? (alpha ?? null) : null,
		beta: d >= 3 ? (beta ?? null) : null,
		gamma: d >= 2 ? (gamma ?? null) : null,
	};
}

function numbersOf(line: string): number[] {
	const values: number[] = [];
	for (const text of line.match(numberPattern) ?? []) {
		const value = fortranNumber(text);
		if (value !== null) values.push(value);
	}
	return values;
}

/**
 * `GEOMETRY FOR WAVE FUNCTION - DIMENSIONALITY OF THE SYSTEM 3` or `FINAL OPTIMIZED GEOMETRY -
 * ...`: reads the lattice, the volume and the atom rows that follow, then stores the structure.
 */
export function geometryBlockStart(state: ParseState, line: string, kind: "initial" | "optimised"): void {
	if (kind === "initial" && state.initialGeometry !== null) return;
	const dimensionality = wholeNumber(dimensionalityPattern.exec(line)?.[1]);
	let lattice: number[] = [];
	let volume: number | null = null;
	let latticeNext = false;
	let headerLines = 0;
	const atoms: GeometryAtom[] = [];
	const finish = (target: ParseState) => {
		target.block = null;
		const geometry: Geometry = {
			dimensionality,
			lattice: latticeFor(lattice, dimensionality),
			volume: dimensionality === 3 || dimensionality === null ? volume : null,
			atoms,
		};
		if (kind === "initial") target.initialGeometry = geometry;
		else target.optimisedGeometry = geometry;
	};
	const reader: BlockReader = (target, text) => {
		const row = atomRowPattern.exec(text);
		if (row) {
			if (atoms.length < maxTableRows) {
				const x = fortranNumber(row[3]) ?? 0;
				const y = fortranNumber(row[4]) ?? 0;
				const z = fortranNumber(row[5]) ?? 0;
				atoms.push({
					symbol: elementSymbol(row[2] ?? ""),
					atomicNumber: (wholeNumber(row[1]) ?? 0) % 100,
					fractional: [x, y, z],
				});
			}
			return true;
		}
		if (atoms.length > 0) {
			finish(target);
			return false;
		}
		if (++headerLines > maxHeaderLines) {
			finish(target);
			return false;
		}
		if (latticeNext) {
			latticeNext = false;
			lattice = numbersOf(text);
			return true;
		}
		const trimmed = text.trim();
		if (trimmed.startsWith("PRIMITIVE CELL")) {
			volume = fortranNumber(volumePattern.exec(text)?.[1]);
			return true;
		}
		if (trimmed.startsWith("A ") && trimmed.endsWith("GAMMA")) {
			latticeNext = true;
			return true;
		}
		// Titles, stars and the atom-count line: the atom-count line is also the header's.
		return false;
	};
	state.block = reader;
}

/** Properties header: `DIRECT LATTICE VECTOR COMPONENTS (ANGSTROM)` and its three rows. */
export function directVectorsStart(state: ParseState): void {
	const vectors: number[][] = [];
	state.block = (target, text) => {
		const values = numbersOf(text);
		if (values.length !== 3) {
			target.block = null;
			return false;
		}
		vectors.push(values);
		if (vectors.length === 3) {
			target.propertiesVectors = vectors;
			target.block = null;
		}
		return true;
	};
}

/**
 * Properties header: `LATTICE PARAMETERS  (ANGSTROM AND DEGREES) - PRIMITIVE CELL`, a column
 * header, and `A B C ALPHA BETA GAMMA VOLUME`. CRYSTAL sets a non-periodic length to 500, which
 * is how a properties output tells a slab; its VOLUME column is then an area.
 */
export function propertiesLatticeStart(state: ParseState): void {
	let skipped = 0;
	state.block = (target, text) => {
		const values = numbersOf(text);
		if (values.length < 7) {
			if (++skipped > 1) target.block = null;
			return true;
		}
		target.block = null;
		const periodic = values.slice(0, 3).filter((length) => length !== 500).length;
		target.propertiesGeometry = {
			dimensionality: periodic,
			lattice: latticeFor(values.slice(0, 6), periodic),
			volume: periodic === 3 ? (values[6] ?? null) : null,
			atoms: [],
		};
		return true;
	};
}

const propertiesAtomPattern = /^\s*\d+\s+(\d+)\s+([A-Za-z]{1,2})\s+\d+\s+(\S+)\s+(\S+)\s+(\S+)/;

/** Properties header: the `ATOM N.AT. SHELL X(A) Y(A) Z(A) EXAD N.ELECT.` table (Cartesian). */
export function propertiesAtomsStart(state: ParseState): void {
	const geometry = state.propertiesGeometry;
	if (geometry === null) return;
	const atoms: GeometryAtom[] = [];
	const toFractional = cartesianToFractional(state.propertiesVectors, geometry.dimensionality ?? 3);
	let stars = 0;
	state.block = (target, text) => {
		const row = propertiesAtomPattern.exec(text);
		if (row) {
			if (atoms.length < maxTableRows) {
				const cartesian: [number, number, number] = [
					fortranNumber(row[3]) ?? 0,
					fortranNumber(row[4]) ?? 0,
					fortranNumber(row[5]) ?? 0,
				];
				atoms.push({
					symbol: elementSymbol(row[2] ?? ""),
					atomicNumber: (wholeNumber(row[1]) ?? 0) % 100,
					fractional: toFractional(cartesian),
				});
			}
			return true;
		}
		if (text.trim().startsWith("***") && atoms.length === 0 && stars++ === 0) return true;
		target.block = null;
		geometry.atoms = atoms;
		return false;
	};
}

/**
 * Fractional coordinates along the periodic directions from Cartesian ones, with the direct
 * lattice vectors as rows; non-periodic directions stay Cartesian, as CRYSTAL prints them.
 */
function cartesianToFractional(
	vectors: number[][],
	periodic: number,
): (cartesian: [number, number, number]) => [number, number, number] {
	const round = (value: number) => Math.round(value * 1e6) / 1e6;
	if (vectors.length !== 3 || periodic < 2) return (cartesian) => cartesian;
	const [a, b, c] = vectors as [number[], number[], number[]];
	if (periodic === 2) {
		const determinant = (a[0] ?? 0) * (b[1] ?? 0) - (a[1] ?? 0) * (b[0] ?? 0);
		if (determinant === 0) return (cartesian) => cartesian;
		return ([x, y, z]) => [
			round((x * (b[1] ?? 0) - y * (b[0] ?? 0)) / determinant),
			round(((a[0] ?? 0) * y - (a[1] ?? 0) * x) / determinant),
			z,
		];
	}
	// r = f1 a + f2 b + f3 c: solve with the inverse of the matrix whose rows are a, b, c.
	const m = [a, b, c].map((row) => [row[0] ?? 0, row[1] ?? 0, row[2] ?? 0]) as number[][];
	const [r0, r1, r2] = m as [number[], number[], number[]];
	const cofactor = (i: number, j: number) => {
		const rows = [0, 1, 2].filter((k) => k !== i);
		const cols = [0, 1, 2].filter((k) => k !== j);
		const [p, q] = rows as [number, number];
		const [s, t] = cols as [number, number];
		const minor = (m[p]?.[s] ?? 0) * (m[q]?.[t] ?? 0) - (m[p]?.[t] ?? 0) * (m[q]?.[s] ?? 0);
		return (i + j) % 2 === 0 ? minor : -minor;
	};
	const determinant =
		(r0[0] ?? 0) * cofactor(0, 0) + (r0[1] ?? 0) * cofactor(0, 1) + (r0[2] ?? 0) * cofactor(0, 2);
	if (determinant === 0 || !r1 || !r2) return (cartesian) => cartesian;
	// Inverse of M is adj(M)/det; f = r * M^-1 (r as a row vector).
	const inverse = [0, 1, 2].map((i) => [0, 1, 2].map((j) => cofactor(j, i) / determinant));
	return ([x, y, z]) =>
		[0, 1, 2].map((j) =>
			round(x * (inverse[0]?.[j] ?? 0) + y * (inverse[1]?.[j] ?? 0) + z * (inverse[2]?.[j] ?? 0)),
		) as [number, number, number];
}
