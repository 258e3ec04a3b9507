/** `crystal-tui status` as a user reads it, through the real binary. */
import assert from "node:assert/strict";
import { after, test } from "node:test";
import { crystalTui, deck, removeProject, tempProject } from "../helpers/project.js";

const made: string[] = [];
after(async () => {
	for (const dir of made) await removeProject(dir);
});

test("a finished job's line gives its energy once", async () => {
	const dir = await tempProject({ "mgo.d12": deck("MgO bulk") });
	made.push(dir);
	const run = await crystalTui(["run", "mgo.d12", "--no-tui"], { cwd: dir });
	assert.equal(run.exitCode, 0, run.all);
	const status = await crystalTui(["status"], { cwd: dir });
	const line = (status.stdout ?? "").split("\n").find((l) => l.startsWith("mgo ")) ?? "";
	assert.match(line, /^mgo\s+finished\s+local\s+E = -?\d+\.\d+ Ha$/, status.stdout);
	assert.equal(line.split("E =").length, 2, line);
});
