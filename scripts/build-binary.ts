/**
 * `npm run build:binary`: one executable file for linux-x64 holding the whole program, the demo
 * and the mock CRYSTAL, for machines with no Node at all (a cluster's login node).
 *
 * esbuild makes one ES module of source/single-file.ts (no chunks: the cockpit is inside), with
 * the package's own files (fixtures/bin, fixtures/demo, fixtures/outputs, package.json) inlined
 * for it to unpack on first use; then either runtime turns it into an executable:
 *   bun   `bun build --compile` (the npm `bun` package), the default: see the README for why;
 *   sea   Node's single executable applications (`node --build-sea`, Node >= 25.5), with V8's
 *         code cache of the bundle.
 *
 *   node scripts/build-binary.ts [--with bun|sea] [--runtime PATH] [--out FILE]
 * --runtime: the bun or node executable to build with (default: the devDependency's).
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";
import { parseArgs } from "node:util";
import { build } from "esbuild";
import { common } from "./bundle-options.ts";

const { values } = parseArgs({
	options: {
		with: { type: "string", default: "bun" },
		runtime: { type: "string" },
		out: { type: "string", default: "build/crystal-tui-linux-x64" },
	},
});
const out = values.out;
const work = join(dirname(out), "work");

/** Every file under the folders the program needs on disk, with its mode. */
function packageFiles(): { path: string; mode: number; data: string }[] {
	const files: string[] = ["package.json"];
	const walk = (dir: string) => {
		for (const entry of readdirSync(dir, { withFileTypes: true })) {
			const path = join(dir, entry.name);
			if (entry.isDirectory()) walk(path);
			else if (entry.isFile()) files.push(path);
		}
	};
	for (const dir of ["fixtures/bin", "fixtures/demo", "fixtures/outputs"]) walk(dir);
	return files.sort().map((path) => ({
		path: relative(".", path),
		mode: statSync(path).mode & 0o777,
		data: readFileSync(path).toString("base64"),
	}));
}

function runtimeOf(tool: string): string {
	if (values.runtime) return values.runtime;
	if (tool !== "bun") throw new Error("--with sea needs --runtime PATH to a node >= 25.5 for linux-x64");
	// The npm package's install step moves the platform's executable to bun/bin/bun.exe; without
	// it (scripts not run) the executable is still in the platform package.
	const require = createRequire(import.meta.url);
	const candidates = [
		join(dirname(require.resolve("bun/package.json")), "bin", "bun.exe"),
		join(dirname(require.resolve("@oven/bun-linux-x64/package.json")), "bin", "bun"),
	];
	const found = candidates.find((path) => existsSync(path) && statSync(path).size > 1e6);
	if (!found) throw new Error(`no bun executable in ${candidates.join(" or ")}: run npm install`);
	return found;
}

rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });
const bundle = join(work, "crystal-tui.mjs");
await build({
	...common,
	entryPoints: ["source/single-file.ts"],
	outfile: bundle,
	splitting: false,
	define: {
		CRYSTAL_TUI_FILES: JSON.stringify(packageFiles()),
		// Set by source/single-file.ts to a file of the unpacked folder before the program loads.
		"import.meta.url": "globalThis.CRYSTAL_TUI_MODULE_URL",
	},
});

const runtime = runtimeOf(values.with);
if (values.with === "bun") {
	// --bytecode: bun stores the compiled code, so a start does not parse 3 MB of JavaScript.
	execFileSync(
		runtime,
		["build", bundle, "--compile", "--bytecode", "--format=esm", "--target=bun-linux-x64", "--outfile", out],
		{
			stdio: "inherit",
		},
	);
} else if (values.with === "sea") {
	const config = join(work, "sea-config.json");
	writeFileSync(
		config,
		JSON.stringify({
			main: bundle,
			mainFormat: "module",
			output: out,
			disableExperimentalSEAWarning: true,
			useCodeCache: true,
		}),
	);
	execFileSync(runtime, ["--build-sea", config], { stdio: "inherit" });
} else throw new Error(`--with ${values.with}: expected bun or sea`);
rmSync(work, { recursive: true, force: true });
console.log(`${out}: ${(statSync(out).size / 2 ** 20).toFixed(0)} MiB (${values.with})`);
