import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { packageRoot, packageVersion } from "../source/package-root.js";

test("the package root holds package.json and the demo, found from the sources as from dist", () => {
	const root = packageRoot();
	assert.equal(JSON.parse(readFileSync(join(root, "package.json"), "utf8")).name, "crystal-tui");
	assert.ok(existsSync(join(root, "fixtures", "demo", "mgo.d12")));
	assert.match(packageVersion(), /^\d+\.\d+\.\d+/);
});
