import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { packageRoot, selfCommand } from "../source/package-root.js";

test("the package root holds package.json and the demo, found from the sources as from dist", () => {
	const root = packageRoot();
	assert.equal(JSON.parse(readFileSync(join(root, "package.json"), "utf8")).name, "crystal-tui");
	assert.ok(existsSync(join(root, "fixtures", "demo", "mgo.d12")));
});

test("selfCommand starts crystal-tui again, here the built one on this Node", () => {
	const { file, args } = selfCommand(["--version"]);
	const version = JSON.parse(readFileSync(join(packageRoot(), "package.json"), "utf8")).version;
	assert.equal(execFileSync(file, args, { encoding: "utf8" }), `${version}\n`);
});
