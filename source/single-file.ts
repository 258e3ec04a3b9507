/**
 * The first module of the single-file executable: it carries the package's own files (the demo,
 * the mock CRYSTAL and its outputs, package.json), which must be real files on disk because
 * job scripts run the mock and the demo copies its decks. They are unpacked once into a folder
 * of the user's cache named by their digest, so a new build never mixes with an old one, then
 * the program starts as from an npm install.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { setPackageRoot } from "./package-root.js";

/** Filled in by the build (scripts/build-binary.ts): path, mode, base64 contents. */
declare const CRYSTAL_TUI_FILES: { path: string; mode: number; data: string }[];

function unpack(): string {
	const digest = createHash("sha256");
	for (const file of CRYSTAL_TUI_FILES) digest.update(`${file.path}\0${file.mode}\0${file.data}\0`);
	const cache = process.env.XDG_CACHE_HOME || join(homedir(), ".cache");
	const target = join(cache, "crystal-tui", `files-${digest.digest("hex").slice(0, 16)}`);
	if (existsSync(target)) return target;
	// Written aside then renamed: a second start at the same moment, or one killed half-way,
	// never sees a folder with half the files.
	const partial = `${target}.${process.pid}.partial`;
	for (const file of CRYSTAL_TUI_FILES) {
		const path = join(partial, file.path);
		mkdirSync(dirname(path), { recursive: true });
		writeFileSync(path, Buffer.from(file.data, "base64"), { mode: file.mode });
	}
	try {
		renameSync(partial, target);
	} catch (error) {
		rmSync(partial, { recursive: true, force: true });
		// Another start won the race: its folder is complete.
		if (!existsSync(target)) throw error;
	}
	return target;
}

const root = unpack();
setPackageRoot(root);
// Every module of the file reads this as its import.meta.url (scripts/build-binary.ts): a path
// in the unpacked folder where the npm install has its chunks, so that a file found relative to
// a module (../../package.json) is found here as it is there.
Reflect.set(
	globalThis,
	"CRYSTAL_TUI_MODULE_URL",
	pathToFileURL(join(root, "dist", "chunks", "single-file.js")).href,
);
// As in Node's single executable applications, the executable is its own entry script (bun puts
// a path inside itself there): a command that starts crystal-tui again runs just this file.
process.argv[1] = process.execPath;
await import("./cli.js");
