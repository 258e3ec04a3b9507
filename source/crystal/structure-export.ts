/**
 * The final structure as files other programs read: CIF (space group P 1 with every atom of the
 * primitive cell, which is what CRYSTAL prints, so no symmetry has to be trusted) and extended
 * XYZ (Cartesian Angstrom with the lattice vectors). Pure text out; the caller writes it.
 */
import type { Geometry, Lattice } from "./result.js";

/** Why a structure cannot be written in a format, worded for the user. */
export class ExportError extends Error {}

const degrees = Math.PI / 180;

/** Fixed decimals without a sign on zero. */
function fixed(value: number, digits: number): string {
	const text = value.toFixed(digits);
	return /^-0\.?0*$/.test(text) ? text.slice(1) : text;
}

function fullLattice(lattice: Lattice): {
	a: number;
	b: number;
	c: number;
	alpha: number;
	beta: number;
	gamma: number;
} {
	const { a, b, c, alpha, beta, gamma } = lattice;
	if (a === null || b === null || c === null || alpha === null || beta === null || gamma === null) {
		throw new ExportError("the structure is not periodic in three directions");
	}
	return { a, b, c, alpha, beta, gamma };
}

/**
 * Lattice vectors (rows) from the parameters, in the usual frame: a along x, b in the xy plane.
 * For a slab (no c, alpha, beta) the third vector is along z with the given length.
 */
export function latticeVectors(lattice: Lattice, slabHeight = 0): number[][] {
	const a = lattice.a ?? 0;
	const b = lattice.b ?? 0;
	const gamma = (lattice.gamma ?? 90) * degrees;
	const va = [a, 0, 0];
	const vb = [b * Math.cos(gamma), b * Math.sin(gamma), 0];
	if (lattice.c === null || lattice.alpha === null || lattice.beta === null)
		return [va, vb, [0, 0, slabHeight]];
	const c = lattice.c;
	const alpha = lattice.alpha * degrees;
	const beta = lattice.beta * degrees;
	const cx = c * Math.cos(beta);
	const cy = (c * (Math.cos(alpha) - Math.cos(beta) * Math.cos(gamma))) / Math.sin(gamma);
	const cz = Math.sqrt(Math.max(c * c - cx * cx - cy * cy, 0));
	return [va, vb, [cx, cy, cz]];
}

/** CIF 1.1 of a 3D structure, space group P 1, all atoms of the cell with fractional coordinates. */
export function toCif(geometry: Geometry, name: string): string {
	if (geometry.dimensionality !== null && geometry.dimensionality !== 3) {
		throw new ExportError(
			`a ${geometry.dimensionality}D structure has no 3D cell for a CIF: export it as xyz (extended XYZ) instead`,
		);
	}
	const cell = fullLattice(geometry.lattice);
	const block = name.replace(/[^A-Za-z0-9_.-]/g, "_") || "structure";
	const counts = new Map<string, number>();
	const rows = geometry.atoms.map((atom) => {
		const count = (counts.get(atom.symbol) ?? 0) + 1;
		counts.set(atom.symbol, count);
		const [x, y, z] = atom.fractional.map((value) => fixed(value, 10));
		return `${atom.symbol}${count} ${atom.symbol} ${x} ${y} ${z} 1`;
	});
	return [
		`data_${block}`,
		"_symmetry_space_group_name_H-M 'P 1'",
		"_symmetry_Int_Tables_number 1",
		`_cell_length_a ${fixed(cell.a, 8)}`,
		`_cell_length_b ${fixed(cell.b, 8)}`,
		`_cell_length_c ${fixed(cell.c, 8)}`,
		`_cell_angle_alpha ${fixed(cell.alpha, 6)}`,
		`_cell_angle_beta ${fixed(cell.beta, 6)}`,
		`_cell_angle_gamma ${fixed(cell.gamma, 6)}`,
		...(geometry.volume === null ? [] : [`_cell_volume ${fixed(geometry.volume, 6)}`]),
		"loop_",
		"_symmetry_equiv_pos_as_xyz",
		"'x, y, z'",
		"loop_",
		"_atom_site_label",
		"_atom_site_type_symbol",
		"_atom_site_fract_x",
		"_atom_site_fract_y",
		"_atom_site_fract_z",
		"_atom_site_occupancy",
		...rows,
		"",
	].join("\n");
}

/** Cartesian Angstrom of every atom: periodic directions from fractions, the others as printed. */
export function cartesian(geometry: Geometry, vectors: number[][]): number[][] {
	const periodic = geometry.dimensionality ?? 3;
	return geometry.atoms.map(({ fractional }) => {
		if (periodic === 0) return fractional.slice();
		const position = [0, 0, 0];
		for (let axis = 0; axis < 3; axis++) {
			if (axis < periodic) {
				for (let k = 0; k < 3; k++)
					position[k] = (position[k] ?? 0) + (fractional[axis] ?? 0) * (vectors[axis]?.[k] ?? 0);
			} else {
				position[axis] = (position[axis] ?? 0) + (fractional[axis] ?? 0);
			}
		}
		return position;
	});
}

/**
 * Extended XYZ: atom count, a comment line with `Lattice="..."` and `pbc`, one line per atom.
 * A slab gets a third vector along z long enough to hold it and 20 Angstrom of vacuum.
 */
export function toExtendedXyz(geometry: Geometry, comment: Record<string, string | number>): string {
	const periodic = geometry.dimensionality ?? 3;
	if (periodic === 1)
		throw new ExportError("a 1D structure (polymer) cannot be exported yet: only 3D, 2D and 0D");
	if (periodic === 3) fullLattice(geometry.lattice);
	const heights = geometry.atoms.map((atom) => atom.fractional[2]);
	const span = heights.length > 0 ? Math.max(...heights) - Math.min(...heights) : 0;
	const vectors = latticeVectors(geometry.lattice, span + 20);
	const positions = cartesian(geometry, vectors);
	const info: string[] = [];
	if (periodic > 0) {
		info.push(
			`Lattice="${vectors
				.flat()
				.map((value) => fixed(value, 8))
				.join(" ")}"`,
		);
	}
	info.push("Properties=species:S:1:pos:R:3");
	if (periodic > 0) info.push(`pbc="${[0, 1, 2].map((axis) => (axis < periodic ? "T" : "F")).join(" ")}"`);
	for (const [key, value] of Object.entries(comment)) {
		info.push(typeof value === "number" ? `${key}=${value}` : `${key}="${value.replace(/"/g, "'")}"`);
	}
	const lines = geometry.atoms.map((atom, index) => {
		const [x, y, z] = (positions[index] ?? [0, 0, 0]).map((value) => fixed(value, 8).padStart(14));
		return `${atom.symbol.padEnd(2)} ${x} ${y} ${z}`;
	});
	return [String(geometry.atoms.length), info.join(" "), ...lines, ""].join("\n");
}
