/**
 * The entry point: the command line to one of the modes (cockpit, run, status, stop, parse);
 * nothing else happens here.
 */
import { parseCommandLine } from "./command-line.js";
import { deckRefusal } from "./jobs/discover.js";
import { packageVersion } from "./package-root.js";

// The modes are loaded when asked for: --version and --help need none of them, status not the
// parser, parse not the supervisor's client (each module less is a shorter start).

// The supervisor is this same program started detached by a client (client/start-supervisor.ts).
if (process.argv[2] === "__supervisor") {
	const { runSupervisor } = await import("./supervisor/main.js");
	// It returns only when another supervisor holds the lock: nothing else to do here.
	process.exit(await runSupervisor(packageVersion()));
}

// `export` reads its own options (--format, -o), so it is routed before the shared parser.
const line =
	process.argv[2] === "export" ? ({ kind: "export" } as const) : parseCommandLine(process.argv.slice(2));
const write = (text: string) => process.stdout.write(text);

switch (line.kind) {
	case "help":
		write(`${line.text}\n`);
		break;
	case "version":
		write(`${packageVersion()}\n`);
		break;
	case "export": {
		const { runExport } = await import("./commands/export.js");
		process.exitCode = await runExport(process.argv.slice(3), process.cwd(), process.stdout, process.stderr);
		break;
	}
	case "error":
		process.stderr.write(`crystal-tui: ${line.message}\n`);
		process.exitCode = 2;
		break;
	case "run": {
		const [command, ...rest] = line.input;
		const refusal = command === "run" ? await firstRefusal(rest) : null;
		if (refusal) {
			process.stderr.write(`crystal-tui: ${refusal}\n`);
			process.exitCode = 2;
			break;
		}
		if (command === "parse") {
			const { runParse } = await import("./commands/parse.js");
			process.exitCode = await runParse(rest, { json: line.flags.json }, process.stdout, process.stderr);
		} else {
			const { runCommand } = await import("./commands/dispatch.js");
			process.exitCode = await runCommand(line.input, line.flags, write);
		}
	}
}

/** A deck of `run` that is not a job (see jobs/discover.ts), refused before anything opens. */
async function firstRefusal(decks: string[]): Promise<string | null> {
	for (const deck of decks) {
		const refusal = await deckRefusal(process.cwd(), deck);
		if (refusal) return refusal;
	}
	return null;
}
