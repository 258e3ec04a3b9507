/**
 * The real crystal-tui --demo (real processes, the mock CRYSTAL of fixtures/bin) in a real
 * terminal (tmux), driven by keys as a user would.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { supervisorEnv } from "../helpers/project.js";
import { Tmux } from "./tmux.js";

const root = join(import.meta.dirname, "..", "..");
const node = join(root, "node_modules", ".bin", "node");
const bin = join(root, "bin", "crystal-tui");
const demoFixture = join(root, "fixtures", "demo");
const missing = existsSync(demoFixture) ? false : "fixtures/demo is not there yet";

const tmux = new Tmux();
const homes: string[] = [];
after(() => {
	for (const home of homes) {
		const dir = join(home, "crystal-tui", "demo");
		// Jobs outlive the cockpit by design: stop what the tests left running.
		if (existsSync(dir)) {
			try {
				execFileSync(node, [bin, "stop", "--all", "--force"], {
					cwd: dir,
					env: { ...process.env, ...supervisorEnv, XDG_STATE_HOME: home },
					stdio: "ignore",
				});
			} catch {
				// nothing running
			}
		}
		rmSync(home, { recursive: true, force: true });
	}
	tmux.close();
});

/** Each run gets its own demo folder (crystal-tui --demo puts it under $XDG_STATE_HOME). */
function newHome(): string {
	const home = mkdtempSync(join(tmpdir(), "crystal-tui-e2e-"));
	homes.push(home);
	return home;
}

function demoJobs(): string[] {
	return readdirSync(demoFixture)
		.filter((f) => f.endsWith(".d12"))
		.map((f) => f.slice(0, -4))
		.sort();
}

function startDemo(home: string, columns: number, rows: number, delay = "0.1"): void {
	assert.ok(existsSync(join(root, "dist", "cli.js")), "dist/cli.js is missing: run npm run build first");
	tmux.start(
		`${bin} --demo`,
		{
			CI: "false",
			XDG_STATE_HOME: home,
			CRYSTAL_MOCK_DELAY: delay,
			TERM: "xterm-256color",
			NO_COLOR: "",
			...supervisorEnv,
		},
		columns,
		rows,
		root,
	);
}

async function waitUntil(
	what: string,
	check: (screen: string) => boolean,
	timeoutMs = 30_000,
): Promise<string> {
	const deadline = Date.now() + timeoutMs;
	let screen = "";
	while (Date.now() < deadline) {
		screen = tmux.screen();
		if (check(screen)) return screen;
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
	throw new Error(`timed out waiting until ${what}; the screen:\n${screen}`);
}

/** A word from the job's output on disk, to search for, once the job has written some. */
async function wordFromOutput(home: string, job: string): Promise<string> {
	const deadline = Date.now() + 30_000;
	for (;;) {
		const path = join(home, "crystal-tui", "demo", `${job}.out`);
		const text = existsSync(path) ? readFileSync(path, "utf8") : "";
		const words = text.match(/[A-Z][A-Z]{4,}/g) ?? [];
		if (words.length > 0) return words[Math.floor(words.length / 2)] as string;
		assert.ok(Date.now() < deadline, `no word in ${job}.out after 30 s`);
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
}

test("panes, stop and start, zoom, search, result, quit leaving jobs running, re-attach", {
	skip: missing,
	timeout: 180_000,
}, async () => {
	const jobs = demoJobs();
	const first = jobs[0] as string;
	const home = newHome();
	startDemo(home, 120, 36);
	await waitUntil("every job has a pane", (s) => jobs.every((j) => s.includes(` ${j} local`)));
	await tmux.waitFor(new RegExp(`${first} local running`));

	tmux.key("x");
	await tmux.waitFor(`Stop ${first}`);
	tmux.key("y");
	await tmux.waitFor(new RegExp(`${first} local cancelled`));

	tmux.key("s");
	await tmux.waitFor(new RegExp(`${first} local running`));

	tmux.key("z");
	await waitUntil("the zoomed pane hides the others", (s) =>
		jobs.slice(1).every((j) => !s.includes(` ${j} local`)),
	);
	await waitUntil("output in the zoomed pane", () =>
		existsSync(join(home, "crystal-tui", "demo", `${first}.out`)),
	);
	// Header, title band, progress line, then the output.
	await waitUntil("output in the zoomed pane", (s) => (s.split("\n")[3] ?? "").trim().length > 3);
	const word = await wordFromOutput(home, first);
	tmux.key("/");
	tmux.type(word);
	tmux.key("Enter");
	// The word is on disk a moment before the pane has it: like a user, search again with n.
	const found = new RegExp(`/${word}: line \\d+`);
	await waitUntil(`a match for ${word}`, (s) => {
		if (s.includes(`/${word}: not found`)) tmux.key("n");
		return found.test(s);
	});
	tmux.key("z");
	await waitUntil("the grid is back", (s) => jobs.every((j) => s.includes(` ${j} local`)));

	tmux.key("Enter");
	await tmux.waitFor(`Result: ${first}`);
	tmux.key("Escape");
	await waitUntil("the grid is back", (s) => jobs.every((j) => s.includes(` ${j} local`)));

	tmux.key("q");
	const left = await tmux.waitFor("[exit 0]");
	assert.match(left, /still running \(.*\); they are re-attached at the next start/);
	tmux.killSession();

	startDemo(home, 120, 36);
	const again = await tmux.waitFor(new RegExp(`${first} local (running|finished)`));
	assert.doesNotMatch(again, /not run yet/, "the second start found the jobs of the first");
	tmux.key("q");
	await tmux.waitFor("[exit 0]");
	tmux.killSession();
});

test("at 80x24 the cockpit fits, and a resize re-lays it", { skip: missing, timeout: 120_000 }, async () => {
	const jobs = demoJobs();
	const home = newHome();
	startDemo(home, 80, 24);
	const small = await tmux.waitFor(new RegExp(`${jobs[0]} local`));
	assert.ok(small.trimEnd().split("\n").length <= 24);
	assert.match(
		small.split("\n")[0] ?? "",
		/^crystal-tui/,
		"the header is on the first row: nothing scrolled off",
	);
	assert.match(small.trimEnd().split("\n").at(-1) ?? "", /q quit|\?/, "the footer is on the last row");
	tmux.resize(160, 48);
	const big = await waitUntil("every job shows at 160x48", (s) =>
		jobs.slice(0, 8).every((j) => s.includes(` ${j} local`)),
	);
	assert.match(big.split("\n")[0] ?? "", /^crystal-tui/);
	tmux.resize(80, 24);
	const back = await waitUntil("the frame fits 80x24 again", (s) => /^crystal-tui/.test(s));
	assert.ok(back.trimEnd().split("\n").length <= 24);
	tmux.key("q");
	await tmux.waitFor("[exit 0]");
	tmux.killSession();
});

test("the demo's properties run waits for its SCF, then Enter draws its bands", {
	skip: missing,
	timeout: 180_000,
}, async () => {
	const home = newHome();
	startDemo(home, 160, 40, "0.03");
	await tmux.waitFor(/mgo\.d3 local queued: waiting for mgo to finish/);
	await tmux.waitFor(/mgo\.d3 local finished/, 150_000);
	// Panes in job order: al-unconverged, mgo, mgo.d3.
	tmux.key("Tab");
	tmux.key("Tab");
	await waitUntil("mgo.d3 focused", (s) => /properties: Enter shows the bands and DOS/.test(s));
	tmux.key("Enter");
	const view = await tmux.waitFor("Band structure (mgo_BAND.DAT)");
	assert.match(view, /Result: mgo\.d3/);
	assert.match(view, /EF 0┤/, "the Fermi level is marked on the energy axis");
	assert.match(view, /Γ/, "the path's labels are under the chart");
	tmux.key("q");
	tmux.key("q");
	await tmux.waitFor("[exit 0]");
	tmux.killSession();
});
