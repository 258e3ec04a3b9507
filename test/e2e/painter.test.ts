/**
 * The panes drawn between Ink's frames (app/pane-painter.ts) end up exactly as Ink draws them
 * afresh: in a real terminal (tmux), with colours, four jobs printing while keys bring Ink frames
 * in between, the screen left when they have ended is compared cell by cell, colours included,
 * with the first screen of a new cockpit on the same project.
 */
import assert from "node:assert/strict";
import { chmodSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, test } from "node:test";
import { cliPath, deck, mockBin, removeProject, supervisorEnv, tempProject } from "../helpers/project.js";
import { Tmux } from "./tmux.js";

const tmux = new Tmux();
const made: string[] = [];
after(async () => {
	tmux.close();
	for (const dir of made) await removeProject(dir);
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const names = ["a", "b", "c", "d"];
const env = {
	CRY23_EXEDIR: mockBin,
	// Each job prints for several seconds, a few lines at a time.
	CRYSTAL_MOCK_DELAY: "0.05",
	TERM: "xterm-256color",
	CI: "false",
	FORCE_COLOR: "1",
	...supervisorEnv,
};

/**
 * The screen cell by cell as it looks: each cell's character with its colours and styles (a
 * space's foreground shows only in reverse video or underlined), trailing plain spaces dropped.
 * tmux writes the colours of a capture as changes from cell to cell, so the same look can come
 * as different sequences; elapsed times are masked (a new cockpit reads them from the records,
 * to the second).
 */
function look(capture: string): string[] {
	// biome-ignore lint/suspicious/noControlCharactersInRegex: escape sequences are what this reads
	const masked = capture.replace(/( local \S.*?) \d+s(?=[\s\x1b]|$)/gm, "$1 Ns");
	return masked.split("\n").map((line) => {
		let fg = "";
		let bg = "";
		const flags = new Set<string>();
		const cells: string[] = [];
		// biome-ignore lint/suspicious/noControlCharactersInRegex: escape sequences are what this reads
		for (const part of line.split(/(\x1b\[[\d;]*m)/)) {
			// biome-ignore lint/suspicious/noControlCharactersInRegex: escape sequences are what this reads
			const sgr = /^\x1b\[([\d;]*)m$/.exec(part);
			if (!sgr) {
				for (const char of part) {
					const shown = char !== " " || flags.has("7") || flags.has("4") ? fg : "";
					cells.push(`${char}|${shown}|${bg}|${[...flags].sort().join("")}`);
				}
				continue;
			}
			const codes = (sgr[1] || "0").split(";").map(Number);
			for (let i = 0; i < codes.length; i++) {
				const code = codes[i] as number;
				if (code === 0) {
					fg = "";
					bg = "";
					flags.clear();
				} else if (code === 38 || code === 48) {
					const colour = `${codes[i + 1]};${codes[i + 2]}`;
					i += 2;
					if (code === 38) fg = colour;
					else bg = colour;
				} else if ((code >= 30 && code <= 37) || (code >= 90 && code <= 97)) fg = String(code);
				else if (code === 39) fg = "";
				else if ((code >= 40 && code <= 47) || (code >= 100 && code <= 107)) bg = String(code);
				else if (code === 49) bg = "";
				else if (code === 22) {
					flags.delete("1");
					flags.delete("2");
				} else if (code >= 23 && code <= 29) flags.delete(String(code - 20));
				else flags.add(String(code));
			}
		}
		while (cells.length > 0 && cells.at(-1) === " |||") cells.pop();
		return cells.join("");
	});
}

test("panes painted between Ink's frames end as Ink draws them afresh, colours and all", async () => {
	const dir = await tempProject(Object.fromEntries(names.map((n) => [`${n}.d12`, deck(`${n} SCF`)])));
	made.push(dir);
	tmux.start(
		`${cliPath} run ${names.map((n) => `${n}.d12`).join(" ")} --max-jobs 4 --oversubscribe`,
		env,
		140,
		40,
		dir,
	);
	await tmux.waitFor(/d local running/);
	// Ink frames among the painter's writes: the focus goes round the four panes and back, the
	// help comes and goes, the focused pane is zoomed and back.
	for (const key of ["Tab", "Tab", "?", "Escape", "z", "z", "Tab", "Tab"]) {
		await sleep(400);
		tmux.key(key);
	}
	// And a terminal resized, and back: the panes move, and Ink draws the whole screen.
	tmux.resize(110, 30);
	await sleep(600);
	tmux.resize(140, 40);
	await tmux.waitFor(/4 finished/, 60_000);
	await sleep(1500);
	const capture = tmux.screen(true);
	// biome-ignore lint/suspicious/noControlCharactersInRegex: escape sequences are what this reads
	assert.match(capture, /\x1b\[4\dm/, "the screen has colours");
	const painted = look(capture);
	tmux.key("q");
	await tmux.waitFor("[exit 0]");

	tmux.start(cliPath, env, 140, 40, dir);
	await tmux.waitFor(/4 finished/);
	await sleep(1500);
	assert.deepEqual(look(tmux.screen(true)), painted);
});

test("scrolling back counts from the newest line, though the painter drew it and React did not", async () => {
	const dir = await tempProject({ "mgo.d12": deck("MgO SCF") });
	made.push(dir);
	// A line every 0.2 s: React hears of the run starting, then only the painter draws.
	tmux.start(`${cliPath} run mgo.d12`, { ...env, CRYSTAL_MOCK_DELAY: "0.2" }, 80, 24, dir);
	await tmux.waitFor(/CYC +4 /, 60_000);
	tmux.key("PageUp");
	const screen = await tmux.waitFor(/paused · \d+ lines below/);
	const below = Number(/paused · (\d+) lines below/.exec(screen)?.[1]);
	// One page (the pane's 20 rows less one) back from the end, and the few lines that arrived
	// meanwhile; counted from where React last drew, it would be well over a hundred.
	assert.ok(below >= 19 && below <= 30, `${below} lines below`);
	tmux.key("q");
	await tmux.waitFor("[exit 0]");
});

test("a zoomed pane painted while it follows its output ends as Ink draws it afresh", async () => {
	const dir = await tempProject({ "mgo.d12": deck("MgO SCF") });
	made.push(dir);
	tmux.start(`${cliPath} run mgo.d12`, env, 100, 30, dir);
	await tmux.waitFor(/mgo local running/);
	tmux.key("z");
	await tmux.waitFor(/1 finished/, 60_000);
	await sleep(1500);
	const painted = look(tmux.screen(true));
	tmux.key("q");
	await tmux.waitFor("[exit 0]");

	tmux.start(cliPath, env, 100, 30, dir);
	await tmux.waitFor(/1 finished/);
	tmux.key("z");
	await sleep(1500);
	assert.deepEqual(look(tmux.screen(true)), painted);
});

test("while the editor has the terminal, output goes on and nothing is painted over it", async () => {
	const dir = await tempProject({ "mgo.d12": deck("MgO SCF") });
	made.push(dir);
	// An editor that shows a word and leaves the deck as it was, a few seconds later.
	const editor = join(dir, "look.sh");
	writeFileSync(editor, "#!/bin/sh\nclear\necho EDITING\nsleep 4\n");
	chmodSync(editor, 0o755);
	tmux.start(
		`${cliPath} run mgo.d12`,
		{ ...env, CRYSTAL_MOCK_DELAY: "0.1", EDITOR: editor, VISUAL: "" },
		100,
		30,
		dir,
	);
	await tmux.waitFor(/CYC +1 /, 60_000);
	tmux.key("e");
	await tmux.waitFor("EDITING");
	await sleep(2500);
	const screen = tmux.screen();
	assert.equal(screen.trim(), "EDITING", "the editor's screen, and nothing of the cockpit's");
	await tmux.waitFor("mgo.d12 unchanged", 30_000);
	tmux.key("q");
	await tmux.waitFor("[exit 0]");
});
