/**
 * Parser throughput benchmark.
 *
 *   npm exec -- tsx bench/parser/run.ts [minimum MB, default 64]
 *   (or: node_modules/.bin/node --import tsx bench/parser/run.ts)
 *
 * Builds a file of at least 60 MB by concatenating the real outputs of ../shared/crystal-corpus
 * in a temporary folder, then in the same run measures (1) the parser reading it in 64 KiB pieces,
 * as parseFile does, and (2) GNU `grep -cE` over the same file for the same markers. Prints both
 * throughputs and their ratio; then (3) `crystal-tui parse FILE` as a whole process (start, read,
 * parse, print), through bin/crystal-tui, through the single file when built, and for comparison
 * under V8's default tiers (TurboFan, which the launcher leaves out for parse) and under the
 * cockpit's V8 flags. Targets: at least 300 MB/s, and the parser and the whole `parse` process
 * no slower than 5 x grep.
 * A benchmark: it prints figures, it asserts nothing.
 */
import { spawnSync } from "node:child_process";
import {
	closeSync,
	existsSync,
	mkdtempSync,
	openSync,
	readdirSync,
	readFileSync,
	rmSync,
	writeSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { CrystalParser } from "../../source/crystal/parser.js";

const root = resolve(import.meta.dirname, "..", "..");
const corpus = resolve(import.meta.dirname, "..", "..", "..", "shared", "crystal-corpus", "outputs");
const minimumMegabytes = Number(process.argv[2] ?? 64);

/** The line starts the parser acts on, as one extended regular expression for grep. */
const markers = [
	"CYC +[0-9]",
	"== SCF ENDED",
	"TOTAL ENERGY\\(",
	"OPT END",
	"OPTIMIZATION - POINT",
	"THRESHOLD .* CONVERGED",
	"TTTTTTTTTT",
	"EEEEEEEEEE (TERMINATION|STARTING)",
	"(DIRECT|INDIRECT) ENERGY BAND GAP",
	"POSSIBLY CONDUCTING",
	"SPIN LOCKING",
	"ATOMS IN THE ASYMMETRIC UNIT",
	"GEOMETRY FOR WAVE FUNCTION",
	"SPACE GROUP \\(",
	"TWO-SIDED PLANE GROUP",
	"(ERROR|WARNING) \\*\\*\\*\\*",
	"CRYSTAL - (PROPERTIES|SCF)",
	"(FREQUENCY|ELASTIC) CALCULATION",
].join("|");

function buildInput(folder: string): { path: string; bytes: number } {
	const files = readdirSync(corpus)
		.filter((name) => name.endsWith(".out"))
		.sort()
		.map((name) => readFileSync(join(corpus, name)));
	const path = join(folder, "corpus-concatenated.out");
	const fd = openSync(path, "w");
	let bytes = 0;
	while (bytes < minimumMegabytes * 1e6) {
		for (const content of files) {
			writeSync(fd, content);
			bytes += content.length;
		}
	}
	closeSync(fd);
	return { path, bytes };
}

function bestOf<T>(runs: number, work: () => T): { seconds: number; value: T } {
	let best = Number.POSITIVE_INFINITY;
	let value = work();
	for (let run = 0; run < runs; run++) {
		const start = process.hrtime.bigint();
		value = work();
		best = Math.min(best, Number(process.hrtime.bigint() - start) / 1e9);
	}
	return { seconds: best, value };
}

function parseInChunks(data: Buffer): number {
	const parser = new CrystalParser();
	const chunk = 1 << 16;
	for (let offset = 0; offset < data.length; offset += chunk)
		parser.feed(data.subarray(offset, offset + chunk));
	parser.end();
	return parser.result().wallTimeSeconds ?? 0;
}

/** `crystal-tui parse FILE` as a user runs it, and under other V8 flags for comparison. */
function wholeProcesses(path: string): [string, string[]][] {
	const node = join(root, "node_modules", "node", "bin", "node");
	const cli = join(root, "dist", "cli.js");
	const cockpitFlags = [
		"--max-semi-space-size=2",
		"--heap-growing-percent=25",
		"--single-threaded-gc",
		"--max-opt=2",
	];
	const commands: [string, string[]][] = [];
	if (!existsSync(cli)) {
		console.log("crystal-tui parse: dist/cli.js missing (npm run build)");
		return commands;
	}
	commands.push(["parse", [join(root, "bin", "crystal-tui"), "parse", path]]);
	const singleFile = join(root, "build", "crystal-tui-linux-x64");
	if (existsSync(singleFile)) commands.push(["1 file", [singleFile, "parse", path]]);
	commands.push(["TurboFan", [node, cli, "parse", path]]);
	commands.push(["cockpitV8", [node, ...cockpitFlags, cli, "parse", path]]);
	return commands;
}

function main(): void {
	if (!existsSync(corpus)) {
		console.log(`CRYSTAL output corpus not found at ${corpus}: nothing to measure.`);
		return;
	}
	const folder = mkdtempSync(join(tmpdir(), "crystal-parser-bench-"));
	try {
		const { path, bytes } = buildInput(folder);
		const megabytes = bytes / 1e6;
		console.log(`input: ${megabytes.toFixed(1)} MB (${path})`);
		// Read into memory once: both sides are measured on the same bytes, grep from the page cache.
		const data = readFileSync(path);
		const parser = bestOf(3, () => parseInChunks(data));
		const grep = bestOf(3, () => {
			const run = spawnSync("grep", ["-cE", markers, path], {
				encoding: "utf8",
				env: { ...process.env, LC_ALL: "C" },
			});
			if (run.error) throw run.error;
			return run.stdout.trim();
		});
		const parserRate = megabytes / parser.seconds;
		const grepRate = megabytes / grep.seconds;
		console.log(
			`parser   : ${parserRate.toFixed(0).padStart(6)} MB/s  (${(parser.seconds * 1000).toFixed(0)} ms)`,
		);
		console.log(
			`grep -cE : ${grepRate.toFixed(0).padStart(6)} MB/s  (${(grep.seconds * 1000).toFixed(0)} ms, ${grep.value} matching lines)`,
		);
		console.log(`ratio    : parser takes ${(parser.seconds / grep.seconds).toFixed(2)} x grep's time`);
		// Best of 7 rounds, each running every command once in turn: the fastest run is the one
		// the machine's other work disturbed least, and a burst of it slows all commands alike.
		// grep runs in the rounds too, so that the ratios compare runs of the same moments.
		const commands: [string, string[]][] = [
			["grep", ["grep", "-cE", markers, path]],
			...wholeProcesses(path),
		];
		const best = commands.map(() => Number.POSITIVE_INFINITY);
		for (let round = 0; round < 7; round++) {
			for (const [index, [, command]] of commands.entries()) {
				const start = process.hrtime.bigint();
				const result = spawnSync(command[0] as string, command.slice(1), {
					// Output to a pipe: GNU grep stops at the first match when it writes to /dev/null.
					stdio: ["ignore", "pipe", "ignore"],
					env: { ...process.env, LC_ALL: "C" },
				});
				const seconds = Number(process.hrtime.bigint() - start) / 1e9;
				// grep -c exits 1 when nothing matches; these markers always match.
				if (result.status !== 0) throw new Error(`${command.join(" ")} exited ${result.status}`);
				best[index] = Math.min(best[index] as number, seconds);
			}
		}
		const grepSeconds = Math.min(grep.seconds, best[0] as number);
		for (const [index, [name]] of commands.entries()) {
			if (index === 0) continue;
			const seconds = best[index] as number;
			console.log(
				`${name.padEnd(9)}: ${(megabytes / seconds).toFixed(0).padStart(6)} MB/s  (${(seconds * 1000).toFixed(0)} ms, ${(seconds / grepSeconds).toFixed(2)} x grep's time, whole process)`,
			);
		}
		console.log(
			`grep, best of all its runs: ${(grepSeconds * 1000).toFixed(0)} ms (the whole processes' reference)`,
		);
		console.log("targets  : >= 300 MB/s and <= 5 x grep's time");
	} finally {
		rmSync(folder, { recursive: true, force: true });
	}
}

main();
