/**
 * `e` in the cockpit: the focused job's deck in the user's editor ($VISUAL, else $EDITOR, else
 * vi). Ink hands the terminal over (alternate screen left, raw mode off) for as long as the
 * editor runs and redraws everything when it is back. The editor is the user's own program on
 * the user's own file, run as git runs it: `sh -c '$EDITOR "$1"'`, the path as an argument.
 */
import { spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import type { JobView } from "./store.js";

export type Suspend = (run: () => Promise<void>) => Promise<void>;

export interface EditOutcome {
	changed: boolean;
	message?: string;
}

export async function editDeck(job: JobView, projectDir: string, suspend: Suspend): Promise<EditOutcome> {
	const path = resolve(projectDir, job.deckPath);
	const editor = process.env.VISUAL || process.env.EDITOR || "vi";
	const before = await readFile(path, "utf8");
	let status: number | null = null;
	await suspend(async () => {
		status = await new Promise<number | null>((done) => {
			const child = spawn("/bin/sh", ["-c", `${editor} "$1"`, "editor", path], { stdio: "inherit" });
			child.on("error", () => done(127));
			child.on("exit", (code) => done(code));
		});
	});
	const after = await readFile(path, "utf8").catch(() => before);
	if (after === before) {
		const how = status === 0 ? "" : ` (${editor} ended with status ${status})`;
		return { changed: false, message: `${job.deckPath} unchanged${how}` };
	}
	return { changed: true };
}
