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
import { type BuildOptions, build } from "esbuild";

/** The programs: dist/NAME.js from the source file. */
export const entries: Record<string, string> = {
	// The command line, behind the module that turns on V8's compile cache.
	cli: "source/start.ts",
};

/** Options shared with the single-file build (scripts/build-binary.ts). */
export const common: BuildOptions = {
	bundle: true,
	platform: "node",
	format: "esm",
	target: "node22",
	// CommonJS packages (React, its scheduler) call require() for Node's modules: an ES module
	// has none, so the bundle makes one.
	banner: {
		js: 'import { createRequire as __createRequire } from "node:module"; const require = __createRequire(import.meta.url);',
	},
	// Ink loads the React devtools only when DEV is set; they are not a dependency.
	plugins: [
		{
			name: "no-react-devtools",
			setup(build) {
				build.onResolve({ filter: /^react-devtools-core$/ }, () => ({
					path: "devtools",
					namespace: "absent",
				}));
				build.onLoad({ filter: /.*/, namespace: "absent" }, () => ({
					contents: 'throw new Error("crystal-tui carries no React devtools: unset DEV");',
				}));
			},
		},
	],
	legalComments: "none",
	logLevel: "warning",
};

if (import.meta.main) {
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
}
