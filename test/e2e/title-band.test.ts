/**
 * The title band of a job that ended before the cockpit started still says why, in a real
 * terminal (tmux) on the real binary.
 */
import assert from "node:assert/strict";
import { after, test } from "node:test";
import {
	cliPath,
	crystalTui,
	deck,
	mockBin,
	removeProject,
	supervisorEnv,
	tempProject,
} from "../helpers/project.js";
import { Tmux } from "./tmux.js";

const tmux = new Tmux();
const made: string[] = [];
after(async () => {
	tmux.close();
	for (const dir of made) await removeProject(dir);
});

test("a re-attached failed job keeps the reason in its title band", async () => {
	const dir = await tempProject({ "al.d12": deck("Al SCF NOT CONVERGED") });
	made.push(dir);
	const run = await crystalTui(["run", "al.d12", "--no-tui"], { cwd: dir });
	assert.equal(run.exitCode, 1, run.all);
	tmux.start(
		cliPath,
		{ CRY23_EXEDIR: mockBin, NO_COLOR: "1", TERM: "xterm-256color", CI: "false", ...supervisorEnv },
		120,
		30,
		dir,
	);
	const screen = await tmux.waitFor(/al local failed/);
	assert.match(screen, /al local failed: SCF did not converge/);
	tmux.key("q");
	await tmux.waitFor("[exit 0]");
});
