/**
 * The folder a project gets on an SSH host is its own: two projects with the same folder name
 * (two `mgo` folders in different places) run on the same host without touching each other's
 * files, and `status --json` says where each job runs. Real binary, loopback sshd.
 */
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import {
	copyMockCrystal,
	describe,
	loopbackHostEntry,
	loopbackSshd,
	requireOrSkip,
	sharedTempDir,
	test,
} from "../helpers/infra.js";
import { crystalTui, deck } from "../helpers/project.js";

const toml = (value: string) => JSON.stringify(value);

describe("two projects of the same name on one SSH host", { skip: requireOrSkip(loopbackSshd) }, () => {
	test("each gets its own remote folder, shown by status --json", async () => {
		const bin = copyMockCrystal(sharedTempDir("ct-rd-bin-"));
		const config = `${loopbackHostEntry("loop")}remote_root = ${toml(`crystal-tui-rd-${process.pid}`)}
crystal_dir = ${toml(bin)}
env = { CRYSTAL_MOCK_DELAY = "0.002" }
`;
		const projects = ["a", "b"].map((parent) => {
			const dir = join(sharedTempDir(`ct-rd-${parent}-`), "mgo");
			mkdirSync(dir);
			return dir;
		});
		const remoteDirs: string[] = [];
		for (const [i, dir] of projects.entries()) {
			// Different decks under the same name: each project must get its own result back.
			await writeFile(join(dir, "scf.d12"), deck(i === 0 ? "MgO bulk" : "MgO DOSS"));
			await writeFile(join(dir, "crystal-tui.toml"), config);
			const run = await crystalTui(["run", "scf.d12", "--host", "loop", "--no-tui"], { cwd: dir });
			assert.equal(run.exitCode, 0, run.all);
			const status = await crystalTui(["status", "--json"], { cwd: dir });
			const [row] = JSON.parse(status.stdout) as { remoteDir: string | null }[];
			assert.ok(row?.remoteDir, status.stdout);
			assert.match(row.remoteDir, /\/mgo-[0-9a-f]{8}$/);
			remoteDirs.push(row.remoteDir);
		}
		assert.notEqual(remoteDirs[0], remoteDirs[1]);
		// The first project's output is still its own, not the second one's.
		const [first, second] = await Promise.all(projects.map((d) => readFile(join(d, "scf.out"), "utf8")));
		assert.match(first ?? "", /MgO bulk/);
		assert.match(second ?? "", /MgO DOSS/);
	});
});
