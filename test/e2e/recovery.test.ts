/**
 * Recovery in the real cockpit (tmux): with recover = ask the failed job's result view shows the
 * proposed change and its diff, `a` applies it after a confirmation and the run heals; `e` hands
 * the terminal to $EDITOR and offers a restart when the deck changed.
 */
import assert from "node:assert/strict";
import { chmodSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, test } from "node:test";
import {
	cliPath,
	crystalTui,
	mockBin,
	removeProject,
	supervisorEnv,
	tempProject,
} from "../helpers/project.js";
import { Tmux } from "./tmux.js";

const root = join(import.meta.dirname, "..", "..");
const tmux = new Tmux();
const projects: string[] = [];
after(async () => {
	tmux.close();
	for (const dir of projects) {
		await crystalTui(["stop", "--all", "--force"], { cwd: dir });
		await removeProject(dir);
	}
});

test("ask in the cockpit: the proposal and its diff, applied with a and y; e edits the deck and offers a restart", {
	timeout: 180_000,
}, async () => {
	const written = readFileSync(join(root, "fixtures", "demo", "al-unconverged.d12"), "utf8");
	const dir = await tempProject({ "al.d12": written, "crystal-tui.toml": '[defaults]\nrecover = "ask"\n' });
	projects.push(dir);
	// An editor that changes the title line, as a user would in vi.
	const editor = join(dir, "edit-title.sh");
	writeFileSync(editor, "#!/bin/sh\nsed -i '1s/.*/Al fcc PBE - edited by hand/' \"$1\"\n");
	chmodSync(editor, 0o755);
	tmux.start(
		cliPath,
		{
			CI: "false",
			CRY23_EXEDIR: mockBin,
			CRYSTAL_MOCK_DELAY: "0.002",
			TERM: "xterm-256color",
			EDITOR: editor,
			VISUAL: "",
			...supervisorEnv,
		},
		120,
		40,
		dir,
	);
	await tmux.waitFor(/al local/);
	tmux.key("s");
	await tmux.waitFor(/al local failed/, 60_000);
	tmux.key("Enter");
	const result = await tmux.waitFor("Proposed: attempt 2: SMEAR 0.005 added, GUESSP from attempt 1");
	assert.match(result, /\+SMEAR/);
	assert.match(result, /a: apply it and run the job again/);
	tmux.key("a");
	await tmux.waitFor("Run al again with attempt 2: SMEAR 0.005 added");
	tmux.key("y");
	const healed = await tmux.waitFor(
		/attempt 2: SMEAR 0\.005 added, GUESSP from attempt 1 · finished/,
		60_000,
	);
	assert.match(healed, /attempt 1: the deck as written · failed: SCF did not converge/);
	assert.equal(readFileSync(join(dir, "al.d12"), "utf8"), written, "the deck is not edited by a heal");
	tmux.key("q");
	await tmux.waitFor(/al local finished/);
	tmux.key("e");
	await tmux.waitFor("The deck of al changed: restart it now?");
	assert.match(readFileSync(join(dir, "al.d12"), "utf8"), /^Al fcc PBE - edited by hand\n/);
	tmux.key("y");
	// The edited title no longer asks the mock for an unconverged metal: the restart finishes.
	await tmux.waitFor(/al local (queued|starting|running)/, 30_000);
	await tmux.waitFor(/al local finished/, 60_000);
	tmux.key("q");
	await tmux.waitFor("[exit 0]");
	// The mock answers the title: only the edited deck converges without SMEAR.
	const out = readFileSync(join(dir, "al.out"), "utf8");
	assert.match(out, /SCF ENDED - CONVERGENCE ON ENERGY/, "the restart ran the edited deck");
});
