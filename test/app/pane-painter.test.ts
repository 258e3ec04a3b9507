/**
 * The painter writes what changed and nothing else: a new line redraws the rows of its own pane,
 * a tick of the clock the title bands, a job that did nothing costs nothing, and what React must
 * draw (a change of state) goes to React.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { PanePainter, type PanePlacement, type Places } from "../../source/app/pane-painter.js";
import { CockpitStore } from "../../source/app/store.js";
import { makeTheme } from "../../source/app/theme.js";
import { FakeController } from "./fake-controller.js";

/** Two panes side by side under the header: a at column 0, b at column 41. */
const placements: PanePlacement[] = [
	{ id: "a", x: 0, y: 1, width: 40, height: 8, focused: true, scroll: undefined, query: "", match: null },
	{ id: "b", x: 41, y: 1, width: 40, height: 8, focused: false, scroll: undefined, query: "", match: null },
];

const places0: Places = {
	panes: placements,
	header: { projectDir: "/project", page: 0, pages: 1, width: 81 },
	otherPages: false,
};

/** The cells each write puts text at, as "row:column" from 1, as a terminal reads them. */
function places(writes: readonly string[]): string[] {
	// biome-ignore lint/suspicious/noControlCharactersInRegex: escape sequences are what this reads
	return writes.flatMap((w) => [...w.matchAll(/\x1b\[(\d+);(\d+)H/g)].map((m) => `${m[1]}:${m[2]}`));
}

function setUp() {
	let now = 1_000_000;
	const controller = new FakeController(["a", "b"]);
	const store = new CockpitStore(controller, { now: () => now });
	store.listen();
	const writes: string[] = [];
	const painter = new PanePainter(
		(data) => writes.push(data),
		makeTheme(false),
		store.getSnapshot,
		() => 24,
	);
	store.setPainter(painter);
	let reactHeard = 0;
	store.subscribe(() => reactHeard++);
	controller.state("a", "running");
	controller.state("b", "running");
	store.flush();
	painter.place(places0);
	painter.paint();
	return {
		controller,
		store,
		painter,
		writes,
		react: () => reactHeard,
		advance: (ms: number) => {
			now += ms;
		},
	};
}

test("the first paint writes every row of every pane, each at its place", () => {
	const { writes, store } = setUp();
	const at = places(writes);
	assert.equal(at.length, 17);
	assert.ok(at.includes("1:1"), "the header");
	for (let row = 2; row <= 9; row++) {
		assert.ok(at.includes(`${row}:1`), `row ${row} of a`);
		assert.ok(at.includes(`${row}:42`), `row ${row} of b`);
	}
	// Saved and restored around it: Ink finds its cursor where it left it.
	assert.ok(writes[0]?.startsWith("\x1b7") && writes[0].endsWith("\x1b8"));
	store.close();
});

test("a new line redraws its own pane only, and React does not hear of it", () => {
	const { controller, store, writes, react } = setUp();
	writes.length = 0;
	const before = react();
	controller.output("a", ["CYC   1 ETOT(AU) -2.7E+02"]);
	store.flush();
	assert.equal(react(), before, "no React render for output");
	const at = places(writes);
	assert.ok(at.length > 0, "the new line is written");
	assert.ok(
		at.every((p) => p.endsWith(":1")),
		`only pane a's rows: ${at.join(" ")}`,
	);
	assert.match(writes.join(""), /CYC {3}1 ETOT/);
	store.close();
});

test("a tick of the clock writes the title bands, not the panes", () => {
	const { store, writes, advance } = setUp();
	writes.length = 0;
	advance(1000);
	store.flush();
	assert.deepEqual(places(writes).sort(), ["2:1", "2:42"]);
	assert.match(writes.join(""), / 1s /);
	writes.length = 0;
	// Nothing changed since: nothing is written.
	store.flush();
	assert.deepEqual(writes, []);
	store.close();
});

test("a job that ends redraws its band, its progress line and the header's counts, without React", () => {
	const { controller, store, writes, react } = setUp();
	writes.length = 0;
	const before = react();
	controller.state("b", "finished");
	store.flush();
	assert.equal(react(), before, "no React render for a change of state");
	assert.deepEqual(places(writes).sort(), ["1:1", "2:42"]);
	assert.match(writes.join(""), /1 running.*1 finished/);
	store.close();
});

test("a job that starts goes to React, whose ink-spinner turns in its band", () => {
	const { controller, store, writes, react } = setUp();
	writes.length = 0;
	const before = react();
	controller.state("b", "queued");
	controller.state("b", "starting");
	store.flush();
	assert.equal(react(), before + 1);
	assert.deepEqual(writes, []);
	store.close();
});

test("after Ink writes a line, the painter writes its rows there again from the first changed pane on", () => {
	const { store, painter, writes } = setUp();
	const rows = (band: string) => [band, "progress", "", "", "", "", "", ""];
	painter.rendered("a", rows("band of a"));
	painter.rendered("b", rows("band of b"));
	painter.inkWrote("the whole frame");
	writes.length = 0;
	// Ink's render of b's band changed (the focus moved, say): Ink writes that line from b's band
	// on (from the first cell that differs from its previous frame), trusting what is before it,
	// so the painter writes b's band again, whole, and leaves a's alone.
	painter.rendered("b", rows("band of b, focused"));
	painter.inkWrote("\x1b[2;42Hfocused");
	assert.deepEqual(places(writes), ["2:42"]);
	writes.length = 0;
	// A write of Ink's that is not a frame (synchronised output on and off) changes nothing.
	painter.inkWrote("\x1b[?2026h");
	assert.deepEqual(writes, []);
	store.close();
});

test("while the grid is not on screen nothing is painted and React draws the output", () => {
	const { controller, store, painter, writes, react } = setUp();
	painter.place(null);
	writes.length = 0;
	const before = react();
	controller.output("a", ["a line"]);
	store.flush();
	assert.deepEqual(writes, []);
	assert.equal(react(), before + 1);
	store.close();
});
