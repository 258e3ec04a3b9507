/**
 * The entry point: the command line to one of the modes (cockpit, run, status, stop, parse);
 * nothing else happens here.
 */
import { helpText, parseCommandLine } from "./command-line.js";
import { runCommand } from "./commands/dispatch.js";
import { runParse } from "./commands/parse.js";
import { packageVersion } from "./package-root.js";

const line = parseCommandLine(process.argv.slice(2));
const write = (text: string) => process.stdout.write(text);

switch (line.kind) {
	case "help":
		write(`${helpText}\n`);
		break;
	case "version": {
		write(`${packageVersion()}\n`);
		break;
	}
	case "error":
		process.stderr.write(`crystal-tui: ${line.message}\n`);
		process.exitCode = 2;
		break;
	case "run": {
		const [command, ...rest] = line.input;
		process.exitCode =
			command === "parse"
				? await runParse(rest, { json: line.flags.json }, process.stdout, process.stderr)
				: await runCommand(line.input, line.flags, write);
	}
}
