/**
 * The esbuild options both builds share: the npm install's bundle (scripts/build.ts) and the
 * single file's (scripts/build-binary.ts).
 */
import { join } from "node:path";
import type { BuildOptions } from "esbuild";

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
