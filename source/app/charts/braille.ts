/**
 * A canvas of Braille characters: each cell holds 2 x 4 dots, so a chart of 70 x 16 cells has
 * 140 x 64 dots, four times the resolution of block characters in each row. Dots are plain
 * characters, readable without colours. (drawille does the same, but ships no types and this
 * is all of it that the charts need.)
 */

/** Dot bits of a Braille cell (U+2800 + bits), by [row][column] inside the cell. */
const bits = [
	[0x01, 0x08],
	[0x02, 0x10],
	[0x04, 0x20],
	[0x40, 0x80],
];

export class BrailleCanvas {
	private readonly cells: Uint8Array;
	readonly dotWidth: number;
	readonly dotHeight: number;

	constructor(
		readonly columns: number,
		readonly rows: number,
	) {
		this.cells = new Uint8Array(columns * rows);
		this.dotWidth = columns * 2;
		this.dotHeight = rows * 4;
	}

	/** Sets the dot at (x, y), y = 0 at the top; outside the canvas it is ignored. */
	dot(x: number, y: number): void {
		const dx = Math.round(x);
		const dy = Math.round(y);
		if (dx < 0 || dy < 0 || dx >= this.dotWidth || dy >= this.dotHeight) return;
		const index = Math.floor(dy / 4) * this.columns + Math.floor(dx / 2);
		this.cells[index] = (this.cells[index] ?? 0) | (bits[dy % 4]?.[dx % 2] ?? 0);
	}

	/** A straight line between two dots, every dot on the way set. */
	line(x0: number, y0: number, x1: number, y1: number): void {
		const steps = Math.max(1, Math.ceil(Math.max(Math.abs(x1 - x0), Math.abs(y1 - y0))));
		if (steps > 4 * (this.dotWidth + this.dotHeight)) return;
		for (let step = 0; step <= steps; step++) {
			this.dot(x0 + ((x1 - x0) * step) / steps, y0 + ((y1 - y0) * step) / steps);
		}
	}

	/** Each row as text; an empty cell is a blank, not the empty Braille pattern. */
	lines(): string[] {
		const out: string[] = [];
		for (let row = 0; row < this.rows; row++) {
			let text = "";
			for (let column = 0; column < this.columns; column++) {
				const value = this.cells[row * this.columns + column] ?? 0;
				text += value === 0 ? " " : String.fromCharCode(0x2800 + value);
			}
			out.push(text);
		}
		return out;
	}
}
