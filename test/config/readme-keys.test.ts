/** The README's table of configuration keys is the schema's: every key, and no other. */
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { clusterSchema, defaultsSchema, hostSchema } from "../../source/config/schema.js";
import { repoRoot } from "../helpers/project.js";

test("the README documents every configuration key the schema takes, and none it does not", async () => {
	const readme = await readFile(join(repoRoot, "README.md"), "utf8");
	const documented = new Map<string, string[]>();
	for (const m of readme.matchAll(/^\| `\[(defaults|hosts\.NAME|clusters\.NAME)\]` \| `([a-z_]+)` \|/gm)) {
		const section = m[1] as string;
		documented.set(section, [...(documented.get(section) ?? []), m[2] as string]);
	}
	const sorted = (keys: string[] | undefined) => [...(keys ?? [])].sort();
	assert.deepEqual(
		sorted(documented.get("defaults")),
		sorted(Object.keys(defaultsSchema.shape)),
		"[defaults]",
	);
	assert.deepEqual(
		sorted(documented.get("hosts.NAME")),
		sorted(Object.keys(hostSchema.shape)),
		"[hosts.NAME]",
	);
	assert.deepEqual(
		sorted(documented.get("clusters.NAME")),
		sorted(Object.keys(clusterSchema.shape)),
		"[clusters.NAME]",
	);
});
