/**
 * The project's jobs: every `*.d12` deck under the project folder (a few levels deep, skipping
 * hidden folders and crystal-tui's own), each one job whose id is its path without `.d12`.
 *
 * Two kinds of deck are not jobs, and `run` refuses them with a message (deckRefusal):
 * - a symlink to a deck outside the project: its results would land beside the link while the
 *   deck belongs to another folder, and a remote run mirrors only the project's own tree
 *   (a link to a deck inside the project is a job like any other);
 * - a name holding a newline or another control character: the name becomes file names, the
 *   job script's values, a SLURM job name and the `[name]` prefix of every plain output line,
 *   where escaping it in one place would leave it broken in the others. Renaming is the fix.
 */
import { lstat, readdir, realpath, stat } from "node:fs/promises";
import { basename, join, relative, resolve, sep } from "node:path";

export interface FoundDeck {
	/** Path relative to the project, without `.d12`, with `/` separators: the job id. */
	id: string;
	name: string;
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

export async function findDecks(projectDir: string): Promise<FoundDeck[]> {
	const found: FoundDeck[] = [];
	const root = await realpath(projectDir).catch(() => resolve(projectDir));
	const walk = async (dir: string, depth: number): Promise<void> => {
		let entries: import("node:fs").Dirent[];
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
			} else if (entry.name.endsWith(".d12") && entry.name.length > 4 && !controlCharacter.test(entry.name)) {
				if (!entry.isFile() && !(entry.isSymbolicLink() && (await linkedFromInside(root, path)))) continue;
				const name = entry.name.slice(0, -4);
				const deckPath = relative(projectDir, path);
				found.push({ id: deckPath.slice(0, -4).split(sep).join("/"), name, dir, deckPath });
			}
		}
	};
	await walk(projectDir, 0);
	return found.sort((a, b) => a.id.localeCompare(b.id));
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
	const path = resolve(projectDir, typed.endsWith(".d12") ? typed : `${typed}.d12`);
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
