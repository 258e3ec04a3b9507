/**
 * The project's jobs: every `*.d12` deck under the project folder (a few levels deep, skipping
 * hidden folders and crystal-tui's own), each one job whose id is its path without `.d12`.
 */
import { readdir } from "node:fs/promises";
import { join, relative, sep } from "node:path";

export interface FoundDeck {
	/** Path relative to the project, without `.d12`, with `/` separators: the job id. */
	id: string;
	name: string;
	dir: string;
	deckPath: string;
}

const maxDepth = 4;
const skipped = new Set(["node_modules"]);

export async function findDecks(projectDir: string): Promise<FoundDeck[]> {
	const found: FoundDeck[] = [];
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
			} else if (entry.isFile() && entry.name.endsWith(".d12") && entry.name.length > 4) {
				const name = entry.name.slice(0, -4);
				const deckPath = relative(projectDir, path);
				found.push({ id: deckPath.slice(0, -4).split(sep).join("/"), name, dir, deckPath });
			}
		}
	};
	await walk(projectDir, 0);
	return found.sort((a, b) => a.id.localeCompare(b.id));
}
