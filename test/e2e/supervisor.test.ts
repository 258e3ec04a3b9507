/**
 * The cockpit as one client among others, in a real terminal: it shows a run started from
 * another shell within two seconds, and `status` run again and again from another shell never
 * disturbs the SSH connection the supervisor follows a job over.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import {
	copyMockCrystal,
	loopbackHostEntry,
	loopbackSshd,
	requireOrSkip,
	sharedTempDir,
} from "../helpers/infra.js";
import { cliPath, crystalTui, deck, sleep, supervisorEnv } from "../helpers/project.js";
import { Tmux } from "./tmux.js";

const tmux = new Tmux();
const dirs: string[] = [];
after(async () => {
	for (const dir of dirs) await crystalTui(["stop", "--all", "--force"], { cwd: dir });
	tmux.close();
});

const cockpitEnv = {
	CI: "false",
	TERM: "xterm-256color",
	NO_COLOR: "1",
	CRY23_EXEDIR: join(import.meta.dirname, "..", "..", "fixtures", "bin"),
	CRYSTAL_MOCK_DELAY: "0.05",
	...supervisorEnv,
};

/** The title band of a job's pane on the screen: "⠋ NAME local running 0:03" (panes side by
 * side share a row: up to the next run of spaces). */
const band = (screen: string, name: string) => {
	for (const line of screen.split("\n")) {
		const m = new RegExp(`\\S ${name} (local|ssh@\\S+) \\S.*?(?=\\s{3,}|$)`).exec(line);
		if (m) return m[0];
	}
	return "";
};

describe("the cockpit as a client of the supervisor", () => {
	test("shows within 2 s a job started by `crystal-tui run` in another shell", {
		timeout: 60_000,
	}, async () => {
		const dir = sharedTempDir("ct-e2e-sv-");
		dirs.push(dir);
		await writeFile(join(dir, "a.d12"), deck("MgO A"));
		await writeFile(join(dir, "b.d12"), deck("MgO B"));
		tmux.start(`${cliPath} ${dir}`, cockpitEnv, 120, 30, dir);
		await tmux.waitFor(/ b local/, 20_000);
		assert.match(band(tmux.screen(), "b"), /idle/);
		const other = crystalTui(["run", "b.d12", "--no-tui"], { cwd: dir, delay: 0.05 });
		const pid = join(dir, ".crystal-tui", "runs", "b", "pid");
		while (!existsSync(pid)) await sleep(20);
		const started = Date.now();
		let shown = "";
		while (Date.now() - started < 2000) {
			shown = band(tmux.screen(), "b");
			if (/running/.test(shown)) break;
			await sleep(50);
		}
		assert.match(shown, /running/, `b's pane 2 s after its start: ${shown}\n${tmux.screen()}`);
		await crystalTui(["stop", "b", "--force"], { cwd: dir });
		await other;
		tmux.key("q");
		await tmux.waitFor("[exit 0]", 20_000);
	});

	test("`status` twenty times from another shell leaves the cockpit's SSH job undisturbed", {
		skip: requireOrSkip(loopbackSshd),
		timeout: 120_000,
	}, async () => {
		const toml = (value: string) => JSON.stringify(value);
		const dir = sharedTempDir("ct-e2e-svssh-");
		dirs.push(dir);
		const bin = copyMockCrystal(sharedTempDir("ct-e2e-bin-"));
		await writeFile(join(dir, "mgo.d12"), deck("MgO bulk"));
		await writeFile(
			join(dir, "crystal-tui.toml"),
			`${loopbackHostEntry("loop")}crystal_dir = ${toml(bin)}
remote_root = ${toml(`ct-e2e-${process.pid}`)}
env = { CRYSTAL_MOCK_DELAY = "0.03" }
`,
		);
		tmux.start(`${cliPath} run mgo.d12 --host loop`, cockpitEnv, 120, 30, dir);
		await tmux.waitFor(/mgo ssh@loop\s+running/, 30_000);
		const bands: string[] = [];
		for (let i = 0; i < 20; i++) {
			const status = await crystalTui(["status"], { cwd: dir });
			assert.equal(status.exitCode, 0, status.all);
			bands.push(band(tmux.screen(), "mgo"));
		}
		const end = await tmux.waitFor(/mgo ssh@loop\s+finished/, 60_000);
		const troubled = bands.filter((b) => /connection|lost|reconnect/i.test(b));
		assert.deepEqual(troubled, [], "no connection trouble while status ran");
		assert.doesNotMatch(band(end, "mgo"), /connection/i);
		tmux.key("q");
		await tmux.waitFor("[exit 0]", 20_000);
	});
});
