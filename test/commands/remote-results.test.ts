/**
 * Results of an SSH run that cannot be brought back (the local disk filled up during the run)
 * are not left behind silently: the run fails, saying where on the host they still are. Real
 * binary, loopback sshd, a small tmpfs as the project folder.
 */
import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fill, noSmallDisk, smallDisk } from "../helpers/disk.js";
import {
	copyMockCrystal,
	describe,
	loopbackHostEntry,
	loopbackSshd,
	requireOrSkip,
	sharedTempDir,
	test,
} from "../helpers/infra.js";
import { crystalTui, deck, eventually } from "../helpers/project.js";

const toml = (value: string) => JSON.stringify(value);

describe("results of an SSH run that cannot come back", {
	skip: requireOrSkip(loopbackSshd) || noSmallDisk(),
}, () => {
	test("fail the run, naming where they still are", async () => {
		const bin = copyMockCrystal(sharedTempDir("ct-rr-bin-"));
		const dir = smallDisk(2048) as string;
		await writeFile(join(dir, "mgo.d12"), deck("MgO bulk"));
		await writeFile(
			join(dir, "crystal-tui.toml"),
			`${loopbackHostEntry("loop")}remote_root = ${toml(`crystal-tui-rr-${process.pid}`)}
crystal_dir = ${toml(bin)}
env = { CRYSTAL_MOCK_DELAY = "0.02" }
`,
		);
		const running = crystalTui(["run", "mgo.d12", "--host", "loop", "--no-tui"], { cwd: dir });
		let printed = "";
		running.stdout?.on("data", (chunk: Buffer) => {
			printed += chunk.toString();
		});
		await eventually("some SCF cycles", () => /CYC {3}3/.test(printed), 60_000);
		fill(dir);
		const run = await running;
		assert.equal(run.exitCode, 1, run.all);
		assert.match(
			run.all ?? "",
			/\[mgo\] FAILED: .*results not brought back \(.*\); they are still in loop:\S*-[0-9a-f]{8}$/m,
			run.all,
		);
	});
});
