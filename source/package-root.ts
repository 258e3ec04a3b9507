/**
 * Where the package's own files are (package.json, fixtures/ with the demo and the mock
 * CRYSTAL): the first folder above this module that holds a package.json, which holds for the
 * sources, the bundle in dist/ and an npm install alike. The single-file executable has no
 * such folder: it unpacks those files into a cache folder and says so here before anything
 * else is loaded.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

let root: string | undefined;

export function setPackageRoot(dir: string): void {
	root = dir;
}

export function packageRoot(): string {
	root ??= findRoot(dirname(fileURLToPath(import.meta.url)));
	return root;
}

/** The version of package.json: the bundle and the single file have no fixed place relative
 * to it, so it is read from the root rather than from a path beside a module. */
export function packageVersion(): string {
	return (JSON.parse(readFileSync(join(packageRoot(), "package.json"), "utf8")) as { version: string })
		.version;
}

function findRoot(start: string): string {
	for (let dir = start; ; dir = dirname(dir)) {
		if (existsSync(join(dir, "package.json"))) return dir;
		if (dirname(dir) === dir) throw new Error(`crystal-tui: no package.json above ${start}`);
	}
}
