/**
 * `crystal-tui parse FILE... [--json]` in its plain form: the words after `parse` are file names
 * (none starting with `-`) and `--json` at most once. That form needs only the parser, so the
 * first module loads just it rather than the whole command line (meow, the configuration's
 * schema, the runners): a third of a second on a slow machine, as much as parsing 60 MB.
 * Anything else (another option, `--help`, `--`) goes through the full command line, which
 * reads it exactly as before. Imports nothing, so that deciding costs nothing.
 */

/** The files and the output form of a plain `parse` command line, or null for anything else. */
export function plainParse(argv: readonly string[]): { files: string[]; json: boolean } | null {
	if (argv[0] !== "parse") return null;
	const files: string[] = [];
	let json = false;
	for (const word of argv.slice(1)) {
		if (word === "--json" && !json) json = true;
		else if (word.startsWith("-")) return null;
		else files.push(word);
	}
	return { files, json };
}
