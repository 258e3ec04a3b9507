#!/usr/bin/env node
// crystal-tui launcher. Ink 8 and execa 10 need Node >= 22; clusters and workstations often
// have an older system Node, so the package carries Node 24 (the `node` npm package) and this
// file re-runs itself on it when the Node that started it is too old. It must itself parse on
// any Node from 14 on: keep it plain JavaScript.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const major = Number(process.versions.node.split(".")[0]);

if (major >= 22) {
	await import(join(here, "..", "dist", "cli.js"));
} else {
	const bundled = join(here, "..", "node_modules", "node", "bin", "node");
	if (!existsSync(bundled)) {
		process.stderr.write(
			`crystal-tui needs Node 22 or newer (this is ${process.version}) and its bundled Node is missing: run \`npm install\` in ${join(here, "..")}.\n`,
		);
		process.exit(1);
	}
	const child = spawn(bundled, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
		stdio: "inherit",
	});
	// The terminal sends SIGINT/SIGWINCH to the whole foreground group, so the child gets them
	// itself; a signal sent to this process alone (kill PID) is passed on.
	for (const signal of ["SIGTERM", "SIGHUP"]) {
		process.on(signal, () => child.kill(signal));
	}
	process.on("SIGINT", () => {});
	child.on("exit", (code, signal) => {
		if (signal) {
			process.removeAllListeners(signal);
			process.kill(process.pid, signal);
		} else process.exit(code ?? 1);
	});
}
