/**
 * The supervisor SIGKILLed while it follows an SSH job and a SLURM job, with a local job queued
 * behind a running one: the next supervisor follows each to its end, nothing runs twice, the
 * queue goes on.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { execa } from "execa";
import {
	copyMockCrystal,
	describe,
	it,
	loopbackClusterEntry,
	loopbackHostEntry,
	loopbackSlurm,
	loopbackSshd,
	requireOrSkip,
	sharedTempDir,
} from "../helpers/infra.js";
import {
	banners,
	cliPath,
	crystalTui,
	deck,
	killSupervisor,
	mockBin,
	sleep,
	supervisorEnv,
} from "../helpers/project.js";

const toml = (value: string) => JSON.stringify(value);

interface Row {
	id: string;
	state: string;
	exitCode: number | null;
}

async function rows(dir: string): Promise<Row[]> {
	const r = await crystalTui(["status", "--json"], { cwd: dir });
	assert.equal(r.exitCode, 0, r.all);
	return JSON.parse(r.stdout) as Row[];
}

async function until(dir: string, want: (rs: Row[]) => boolean, timeoutMs: number): Promise<Row[]> {
	const deadline = Date.now() + timeoutMs;
	let rs: Row[] = [];
	while (Date.now() < deadline) {
		rs = await rows(dir);
		if (want(rs)) return rs;
		await sleep(500);
	}
	assert.fail(`not reached: ${JSON.stringify(rs)}`);
}

const start = (dir: string, args: string[]) =>
	execa(cliPath, [...args, "--no-tui"], {
		cwd: dir,
		reject: false,
		stdin: "ignore",
		env: { CRYSTAL_MOCK_DELAY: "0.02", CRY23_EXEDIR: mockBin, NO_COLOR: "1", ...supervisorEnv },
	});

describe("the supervisor SIGKILLed with local, SSH and SLURM jobs running", {
	skip: requireOrSkip(loopbackSshd) || requireOrSkip(loopbackSlurm),
	timeout: 240_000,
}, () => {
	it("re-adopts each on its backend: nothing lost, nothing run twice, the local queue goes on", async () => {
		const dir = sharedTempDir("ct-sv-remote-");
		const bin = copyMockCrystal(sharedTempDir("ct-sv-bin-"));
		for (const name of ["viassh", "viaslurm", "here1", "here2"])
			await writeFile(join(dir, `${name}.d12`), deck("MgO bulk"));
		await writeFile(
			join(dir, "crystal-tui.toml"),
			`${loopbackHostEntry("loop")}remote_root = ${toml(`ct-sv-remote-${process.pid}`)}
crystal_dir = ${toml(bin)}
env = { CRYSTAL_MOCK_DELAY = "0.3" }

${loopbackClusterEntry("hpc", bin, "0.3")}`,
		);
		// The remote jobs print slowly enough (a few tens of seconds) to be seen running all at once
		// with the local one: a 1 s SSH run could end before the local queue's first job starts.
		const clients = [
			start(dir, ["run", "viassh.d12", "--host", "loop"]),
			start(dir, ["run", "viaslurm.d12", "--host", "hpc"]),
			start(dir, ["run", "--max-jobs", "1", "here1.d12", "here2.d12"]),
		];
		await until(
			dir,
			(rs) => ["viassh", "viaslurm", "here1"].every((id) => rs.find((r) => r.id === id)?.state === "running"),
			90_000,
		);
		killSupervisor();
		for (const c of clients) c.kill("SIGKILL");
		await Promise.all(clients);
		await sleep(500);
		const end = await until(dir, (rs) => rs.every((r) => r.state === "finished"), 150_000);
		for (const r of end) assert.equal(r.exitCode, 0, `${r.id} ran to its end`);
		for (const id of ["viassh", "viaslurm", "here1", "here2"]) {
			assert.equal(
				banners(readFileSync(join(dir, `${id}.out`), "utf8")),
				1,
				`${id} ran once, its NAME.out here whole`,
			);
			assert.match(readFileSync(join(dir, `${id}.out`), "utf8"), /EEEEEEEEEE TERMINATION/);
		}
	});
});
