/**
 * The project's jobs: every `*.d12` deck under the project folder (a few levels deep, skipping
 * hidden folders and crystal-tui's own), each one job whose id is its path without `.d12`, and
 * every `*.d3` properties deck, whose id is its path with `.d3` (`mgo.d3` beside `mgo`: the
 * properties run of that SCF's wave function).
 *
 * Two kinds of deck are not jobs, and `run` refuses them with a message (deckRefusal):
 * - a symlink to a deck outside the project: its results would land beside the link while the
 *   deck belongs to another folder, and a remote run mirrors only the project's own tree
 *   (a link to a deck inside the project is a job like any other);
 * - a name holding a newline or another control character: the name becomes file names, the
 *   job script's values, a SLURM job name and the `[name]` prefix of every plain output line,
 *   where escaping it in one place would leave it broken in the others. Renaming is the fix.
 */
import { statSync } from "node:fs";
import { lstat, readdir, realpath, stat } from "node:fs/promises";
import { basename, join, relative, resolve, sep } from "node:path";
import type { JobProgram } from "../crystal/staging.js";

export interface FoundDeck {
	/** Path relative to the project, without `.d12` (with `.d3`), with `/` separators: the job id. */
	id: string;
	name: string;
	/** properties for a `.d3` deck. */
	program: JobProgram;
	dir: string;
	deckPath: string;
}

const maxDepth = 4;
const skipped = new Set(["node_modules"]);
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const controlCharacter = /[\0-\x1f\x7f]/;

const inside = (root: string, path: string): boolean => {
	const rel = relative(root, path);
	return rel !== "" && !rel.startsWith(`..${sep}`) && rel !== ".." && !rel.startsWith(sep);
};

/** The folders a search read, each with its modification time (ms) then; -1: none. */
export type FolderTimes = Map<string, number>;

/** A folder's time within this long of the search is not trusted: on a file system with
 * whole-second times a second change in the same second would not move it. */
const coarseTimeMs = 2000;

const modifiedAt = (dir: string): number => statSync(dir, { throwIfNoEntry: false })?.mtimeMs ?? -1;

/** The project's decks; `read`, when given, gets each folder read and its time. */
export async function findDecks(projectDir: string, read?: FolderTimes): Promise<FoundDeck[]> {
	const found: FoundDeck[] = [];
	const root = await realpath(projectDir).catch(() => resolve(projectDir));
	const walk = async (dir: string, depth: number): Promise<void> => {
		let entries: import("node:fs").Dirent[];
		// Its time before its entries: a change made during the read shows at the next look.
		read?.set(dir, modifiedAt(dir));
		try {
			entries = await readdir(dir, { withFileTypes: true });
		} catch {
			return;
		}
		for (const entry of entries) {
			if (entry.name.startsWith(".")) continue;
			const path = join(dir, entry.name);
			if (entry.isDirectory()) {
				if (depth < maxDepth && !skipped.has(entry.name)) await walk(path, depth + 1);
			} else {
				const program = programOfDeck(entry.name);
				if (!program || controlCharacter.test(entry.name)) continue;
				if (!entry.isFile() && !(entry.isSymbolicLink() && (await linkedFromInside(root, path)))) continue;
				const name = entry.name.slice(0, program === "properties" ? -3 : -4);
				const deckPath = relative(projectDir, path);
				const id = (program === "properties" ? deckPath : deckPath.slice(0, -4)).split(sep).join("/");
				found.push({ id, name, program, dir, deckPath });
			}
		}
	};
	await walk(projectDir, 0);
	return found.sort((a, b) => a.id.localeCompare(b.id));
}

/**
 * Whether the folders a search read at `searchedAt` are as they were then, so that its decks
 * still stand: a deck added, removed or renamed moves its folder's modification time. (A symlink
 * whose target goes away does not; a search asked for by the user reads every folder anyway.)
 * One stat per folder, against a walk reading every one.
 */
export function foldersUnchanged(read: FolderTimes, searchedAt: number): boolean {
	for (const [dir, time] of read) {
		if (time < 0 || searchedAt - time < coarseTimeMs || modifiedAt(dir) !== time) return false;
	}
	return true;
}

/** Which program a file is a deck of, by its extension; null: not a deck. */
function programOfDeck(file: string): JobProgram | null {
	if (file.endsWith(".d12") && file.length > 4) return "crystal";
	if (file.endsWith(".d3") && file.length > 3) return "properties";
	return null;
}

/** A symlink to a regular file of the project. */
async function linkedFromInside(root: string, path: string): Promise<boolean> {
	try {
		return (await stat(path)).isFile() && inside(root, await realpath(path));
	} catch {
		return false;
	}
}

/** Why a deck the user named (a path, with or without `.d12`) is not a job, or null. */
export async function deckRefusal(projectDir: string, typed: string): Promise<string | null> {
	const path = resolve(projectDir, typed.endsWith(".d12") || typed.endsWith(".d3") ? typed : `${typed}.d12`);
	if (controlCharacter.test(basename(path)))
		return `the deck name ${JSON.stringify(basename(path))} holds a newline or control character: rename the file (the name goes into file names, the job script and every output line)`;
	try {
		if (!(await lstat(path)).isSymbolicLink()) return null;
	} catch {
		return null;
	}
	const root = await realpath(projectDir).catch(() => resolve(projectDir));
	const target = await realpath(path).catch(() => null);
	if (target && inside(root, target)) return null;
	return `${typed} is a symbolic link to ${target ?? "a missing file"}, outside the project ${root}: crystal-tui runs only decks that live in the project; copy the deck in instead`;
}
