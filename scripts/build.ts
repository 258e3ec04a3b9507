/**
 * `npm run build`: the program bundled by esbuild into dist/, ESM for Node 22+.
 *
 * Every entry of `entries` becomes dist/NAME.js; code they share, and every module reached only
 * through `await import()` (the cockpit: Ink, React, Yoga, source/app), lands in chunks beside
 * them, so a command that draws nothing never reads the cockpit's code. Adding a program that
 * is started on its own (a process of its own, say) is one line of `entries`.
 *
 *   node scripts/build.ts [--metafile]   (--metafile: print what each output is made of)
 */
import { rmSync } from "node:fs";
import { build } from "esbuild";
import { common } from "./bundle-options.ts";

/** The programs: dist/NAME.js from the source file. */
const entries: Record<string, string> = {
	// The command line, behind the module that turns on V8's compile cache.
	cli: "source/start.ts",
};

rmSync("dist", { recursive: true, force: true });
const result = await build({
	...common,
	entryPoints: entries,
	outdir: "dist",
	splitting: true,
	// Shared code and the cockpit, apart from the entries.
	chunkNames: "chunks/[name]-[hash]",
	sourcemap: "linked",
	metafile: process.argv.includes("--metafile"),
});
if (result.metafile) {
	for (const [file, output] of Object.entries(result.metafile.outputs))
		if (!file.endsWith(".map")) console.log(`${file}  ${(output.bytes / 1024).toFixed(0)} KiB`);
}
