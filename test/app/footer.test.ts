import assert from "node:assert/strict";
import { test } from "node:test";
import { fitKeys } from "../../source/app/components/Footer.js";
import { footerBindings } from "../../source/app/keymap.js";

const items = footerBindings("grid").map((b) => ({
	text: `${b.label} ${b.short ?? b.description}`,
	action: b.action,
}));

test("on a narrow terminal the footer drops keys but keeps help and quit, within the width", () => {
	for (const width of [40, 80, 120]) {
		const line = fitKeys(items, width);
		assert.ok(line.length <= width, `${line.length} <= ${width}: ${line}`);
		assert.match(line, /\? help/);
		assert.match(line, /q quit$/);
	}
});

test("a wide terminal shows every key, in keymap order", () => {
	assert.equal(fitKeys(items, 1000), items.map((i) => i.text).join(" · "));
});
