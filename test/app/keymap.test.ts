import assert from "node:assert/strict";
import { test } from "node:test";
import type { Key } from "ink";
import { actionFor, footerBindings, keymap, keyNames } from "../../source/app/keymap.js";

const noKey = {} as Key;

test("several keys in one read are each a key", () => {
	assert.deepEqual(keyNames("jjk", noKey), ["j", "j", "k"]);
	assert.deepEqual(keyNames("x", noKey), ["x"]);
	assert.deepEqual(keyNames("", { ...noKey, tab: true, shift: true }), ["shift+tab"]);
	assert.deepEqual(keyNames("d", { ...noKey, ctrl: true }), ["ctrl+d"]);
});

test("keys mean what the mode says", () => {
	assert.equal(actionFor("j", "grid"), "focusDown");
	assert.equal(actionFor("j", "zoom"), "lineDown");
	assert.equal(actionFor("q", "grid"), "quit");
	assert.equal(actionFor("q", "help"), "back");
	assert.equal(actionFor("y", "confirm"), "confirmYes");
	assert.equal(actionFor("s", "confirm"), null);
});

test("no key is bound twice in one mode", () => {
	const modes = ["grid", "zoom", "result", "help", "confirm"] as const;
	for (const mode of modes) {
		const seen = new Map<string, string>();
		for (const b of keymap.filter((b) => b.modes.includes(mode))) {
			for (const k of b.keys) {
				const earlier = seen.get(k);
				assert.ok(
					earlier === undefined || earlier === b.action,
					`${k} in ${mode}: ${earlier} and ${b.action}`,
				);
				seen.set(k, b.action);
			}
		}
	}
});

test("the footer of the grid shows quit, help, start and stop", () => {
	const actions = footerBindings("grid").map((b) => b.action);
	for (const a of ["quit", "help", "start", "stop"] as const) assert.ok(actions.includes(a));
});
