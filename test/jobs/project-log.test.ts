import assert from "node:assert/strict";
import { rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { JobLogs } from "../../source/jobs/job-logs.js";
import { deck, removeProject, tempProject } from "../helpers/project.js";

test("the zoomed view's scroll-back reads any page of a job's log, and a new run's log", async () => {
	const lines = Array.from({ length: 12_345 }, (_, i) => ` CYC ${i} ETOT(AU) -2.75E+02`);
	const dir = await tempProject({ "mgo.d12": deck("MgO bulk"), "mgo.out": `${lines.join("\n")}\n` });
	const logs = new JobLogs();
	const log = join(dir, "mgo.out");
	try {
		assert.deepEqual(await logs.read(log, 12_000, 3), {
			lines: lines.slice(12_000, 12_003),
			total: 12_345,
		});
		// A new run sets the old log aside and writes a new one.
		await rename(join(dir, "mgo.out"), join(dir, "mgo.out.prev"));
		await writeFile(join(dir, "mgo.out"), " CRYSTAL23\n running\n");
		assert.deepEqual(await logs.read(log, 0, 10), { lines: [" CRYSTAL23", " running"], total: 2 });
	} finally {
		await removeProject(dir);
	}
});
