/**
 * The esbuild options both builds share: the npm install's bundle (scripts/build.ts) and the
 * single file's (scripts/build-binary.ts).
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { BuildOptions, Plugin } from "esbuild";

/**
 * meow's bundled dependencies run normalize-package-data's set-up when they load (it sorts the
 * SPDX licence tables): a fifth of every start of crystal-tui, for a function meow calls only
 * when its `pkg` is read, which crystal-tui never does (it gives meow its version). Made lazy
 * here, at the one statement that does it; a meow whose file no longer has that statement
 * fails the build rather than being bundled unchanged.
 */
const eagerNormaliser =
	"var normalizeExports = requireNormalize();\nconst normalizePackageData = getDefaultExportFromCjs(normalizeExports);";
const lazyNormaliser =
	"const normalizePackageData = (...args) => getDefaultExportFromCjs(requireNormalize())(...args);";
const lazyPackageNormaliser: Plugin = {
	name: "lazy-package-normaliser",
	setup(build) {
		build.onLoad({ filter: /[\\/]meow[\\/]build[\\/]dependencies\.js$/ }, async (args) => {
			const text = await readFile(args.path, "utf8");
			if (!text.includes(eagerNormaliser))
				throw new Error(
					`${args.path}: the set-up of normalize-package-data moved; update scripts/bundle-options.ts`,
				);
			return { contents: text.replace(eagerNormaliser, lazyNormaliser), loader: "js" };
		});
	},
};

/** The cockpit's screen composer, in the place of Ink's own (see its comment). */
const inkOutput = join(import.meta.dirname, "..", "source", "app", "ink-output.ts");

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
	plugins: [
		lazyPackageNormaliser,
		// Ink loads the React devtools only when DEV is set; they are not a dependency.
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
		{
			name: "ink-output",
			setup(build) {
				build.onResolve({ filter: /^\.\/output\.js$/ }, (args) =>
					/[\\/]ink[\\/]build[\\/]renderer\.js$/.test(args.importer) ? { path: inkOutput } : undefined,
				);
			},
		},
	],
	legalComments: "none",
	logLevel: "warning",
};
