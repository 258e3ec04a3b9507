/**
 * Elastic constants: `SYMMETRIZED ELASTIC CONSTANTS FOR CUBIC CASE, IN GPa` and the upper
 * triangle of the tensor in `| ... |` rows, mirrored here to the full symmetric matrix. Numbers
 * may run together (`290.2599-128.6167`), so they are read by pattern, not by blanks.
 */
import type { ParseState } from "./state.js";

const valuePattern = /-?\d+\.\d+/g;
const maxLinesBeforeRows = 3;

export function elasticTitle(state: ParseState, line: string): void {
	if (!line.includes("IN GPa")) return;
	const rows: number[][] = [];
	let before = 0;
	state.block = (target, text) => {
		const trimmed = text.trim();
		if (trimmed.startsWith("|")) {
			rows.push((trimmed.match(valuePattern) ?? []).map(Number));
			const size = rows[0]?.length ?? 0;
			if (rows.length === size) {
				target.block = null;
				target.elasticConstants = mirror(rows, size);
			}
			return true;
		}
		if (rows.length === 0 && ++before <= maxLinesBeforeRows) return true;
		target.block = null;
		return false;
	};
}

/** Row i of the printed triangle holds columns i..n-1. */
function mirror(rows: number[][], size: number): number[][] | null {
	const matrix = Array.from({ length: size }, () => new Array<number>(size).fill(0));
	for (const [i, row] of rows.entries()) {
		if (row.length !== size - i) return null;
		for (const [k, value] of row.entries()) {
			const j = i + k;
			(matrix[i] as number[])[j] = value;
			(matrix[j] as number[])[i] = value;
		}
	}
	return matrix;
}
