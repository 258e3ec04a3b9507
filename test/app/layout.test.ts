import assert from "node:assert/strict";
import { test } from "node:test";
import { gridLayout, minPaneHeight, minPaneWidth, separatorWidth } from "../../source/app/layout.js";

test("four jobs at 80x24 make a readable 2x2 grid", () => {
	const layout = gridLayout(4, 80, 22);
	assert.equal(layout.columns, 2);
	assert.equal(layout.rows, 2);
	assert.equal(layout.pages, 1);
});

test("a wide terminal gets up to four columns", () => {
	const layout = gridLayout(8, 200, 46);
	assert.equal(layout.columns, 4);
	assert.equal(layout.pages, 1);
});

test("a narrow terminal gets one column, and pages when the jobs do not fit", () => {
	const layout = gridLayout(9, 60, 22);
	assert.equal(layout.columns, 1);
	assert.ok(layout.perPage < 9);
	assert.equal(layout.pages, Math.ceil(9 / layout.perPage));
});

test("panes and the separators between them fill the space exactly, never below the readable minimum", () => {
	for (const [jobs, width, height] of [
		[1, 80, 22],
		[5, 81, 23],
		[12, 160, 46],
		[3, 239, 60],
	] as const) {
		const layout = gridLayout(jobs, width, height);
		assert.equal(layout.paneWidths.reduce((a, b) => a + b) + separatorWidth * (layout.columns - 1), width);
		assert.equal(
			layout.paneHeights.reduce((a, b) => a + b),
			height,
		);
		assert.ok(Math.min(...layout.paneWidths) >= minPaneWidth, `${jobs} jobs at ${width}x${height}`);
		assert.ok(Math.min(...layout.paneHeights) >= minPaneHeight, `${jobs} jobs at ${width}x${height}`);
	}
});

test("a grid with no empty cell is preferred when it is as readable: 4 jobs at 140x40 are 2+2", () => {
	const layout = gridLayout(4, 140, 38);
	assert.deepEqual([layout.columns, layout.rows], [2, 2]);
	assert.equal(gridLayout(6, 140, 38).columns, 3, "6 fill 3+3");
	// No full grid is readable here: five panes in one column would be slivers.
	assert.deepEqual([gridLayout(5, 200, 46).columns, gridLayout(5, 200, 46).rows], [3, 2]);
});
