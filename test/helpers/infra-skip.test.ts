/**
 * A suite that needs a daemon that is not there is counted in the test runner's summary, test
 * by test ("skipped 2"), instead of vanishing from it as a skipped node:test suite does.
 */
import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { pathToFileURL } from "node:url";
import { execa } from "execa";
import { nodeBin, removeProject, repoRoot, tempProject } from "./project.js";

test("the tests of a suite without its daemon are counted as skipped, and none of its hooks run", async () => {
	const dir = await tempProject({});
	try {
		const infra = pathToFileURL(join(repoRoot, "test", "helpers", "infra.ts")).href;
		await writeFile(
			join(dir, "needs.test.mts"),
			`import { before, describe, it, requireOrSkip } from ${JSON.stringify(infra)};
const absent = { label: "nothing", variables: ["CRYSTAL_TUI_NO_SUCH_DAEMON"] };
describe("needs a daemon", { skip: requireOrSkip(absent) }, () => {
	before(() => { throw new Error("a hook ran"); });
	it("one", () => { throw new Error("a test ran"); });
	it("two", () => { throw new Error("a test ran"); });
});
`,
		);
		// A test run of its own, not a subtest of this one (node:test tells them by this variable).
		const { NODE_TEST_CONTEXT: _, CRYSTAL_TUI_REQUIRE_INFRA: __, ...env } = process.env;
		const run = await execa(
			nodeBin,
			["--import", "tsx", "--test", "--test-reporter=spec", join(dir, "needs.test.mts")],
			{ cwd: repoRoot, reject: false, env, extendEnv: false },
		);
		assert.equal(run.exitCode, 0, run.stdout);
		assert.match(run.stdout, /^ℹ skipped 2$/m, run.stdout);
		assert.match(run.stdout, /﹣ one .*# skipped: no nothing on loopback/);
	} finally {
		await removeProject(dir);
	}
});
