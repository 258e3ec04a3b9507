/**
 * The command line as crystal-tui reads it: Node's own parseArgs (no dependency to load, and
 * every refusal is ours to word), with a message naming the option for anything it cannot take.
 */
import { parseArgs } from "node:util";
import type { Flags } from "./commands/dispatch.js";

export const helpText = `
  crystal-tui: watch and steer CRYSTAL jobs from the terminal

  Usage
    crystal-tui [DIR]                 open the cockpit on a project folder (default: here);
                                      every NAME.d12 deck in it is a job
    crystal-tui --demo                the same on a bundled demo, with a mock CRYSTAL
    crystal-tui run DECK... [--no-tui]  start jobs; --no-tui prints their output instead
    crystal-tui status [--json]       the jobs of this folder and their states
    crystal-tui stop JOB... | --all   stop jobs (SIGTERM, then SIGKILL after 10 s)
    crystal-tui recover accept JOB    write the edit that healed JOB into its NAME.d12
                                      (the deck before is kept as NAME.d12.bak)
    crystal-tui recover apply JOB     run the change proposed for a failed JOB (recover = ask)
    crystal-tui parse FILE... [--json]  read CRYSTAL outputs: energy, convergence, diagnosis
    crystal-tui export JOB --format cif|xyz|json|bands|dos [-o FILE]  a job's final structure,
                                      result, or bands/DOS as CSV, from the files in this folder

  Where jobs run
    --runner local|ssh|slurm   default local
    --host NAME                a [hosts.NAME] or [clusters.NAME] of crystal-tui.toml
    --ranks N                  MPI ranks (Pcrystal under mpirun); 1 = serial crystalOMP
    --threads N                OpenMP threads per rank (OMP_NUM_THREADS)
    --max-jobs N               local jobs running at once (default: as many as fit the cores)
    --crystal-dir DIR          folder with crystalOMP/Pcrystal (default: $CRY23_EXEDIR, then PATH)
    --keep-scratch             keep the scratch folder even when a run succeeds
    --after JOB                with run: start the decks once JOB has finished well; a deck
                               that reads EXTERNAL gets JOB's optimised geometry (JOB.gui)
    --recover off|ask|auto     when a run fails: nothing, propose the fix, or apply it and
                               run again (max_attempts in crystal-tui.toml, default 3)

  Other options
    --no-tui                   plain prefixed lines instead of the cockpit
    --json                     machine-readable output (status, parse)
    --all                      with stop: every running job
    --force                    with stop: SIGKILL at once
    --help, --version

  Jobs keep running when crystal-tui quits, crashes or the SSH connection drops; the next
  start in the same folder re-attaches to them. State lives in DIR/.crystal-tui/.

  Examples
    crystal-tui run mgo.d12 --ranks 4
    crystal-tui run opt.d12 --no-tui | tee run.log
    crystal-tui run opt.d12 freq.d12 --after opt   (frequencies on the optimised geometry)
    crystal-tui stop mgo
    crystal-tui parse *.out --json
`;

export type CommandLine =
	| { kind: "run"; input: string[]; flags: Flags }
	| { kind: "help" }
	| { kind: "version" }
	/** A message for the user, naming the option it is about. */
	| { kind: "error"; message: string };

const options = {
	demo: { type: "boolean" },
	runner: { type: "string" },
	host: { type: "string" },
	ranks: { type: "string" },
	threads: { type: "string" },
	"max-jobs": { type: "string" },
	"crystal-dir": { type: "string" },
	"keep-scratch": { type: "boolean" },
	tui: { type: "boolean" },
	json: { type: "boolean" },
	all: { type: "boolean" },
	force: { type: "boolean" },
	after: { type: "string" },
	recover: { type: "string" },
	help: { type: "boolean" },
	version: { type: "boolean" },
} as const;

/** Options that take a count; given as text, kept as text when it is not one, for the message. */
const counts = ["ranks", "threads", "max-jobs"] as const;

class CommandLineError extends Error {}

export function parseCommandLine(argv: string[]): CommandLine {
	try {
		return parse(argv);
	} catch (error) {
		if (error instanceof CommandLineError) return { kind: "error", message: error.message };
		throw error;
	}
}

function parse(argv: string[]): CommandLine {
	// Not strict: the tokens are checked here, so that every refusal names the option as typed.
	const { values, positionals, tokens } = parseArgs({
		args: argv,
		options,
		allowPositionals: true,
		allowNegative: true,
		strict: false,
		tokens: true,
	});
	for (const token of tokens) {
		if (token.kind !== "option") continue;
		const option = options[token.name as keyof typeof options] as { type: string } | undefined;
		// --no-X negates a switch; for an option with a value it means nothing.
		if (!option || (option.type === "string" && token.rawName.startsWith("--no-")))
			throw new CommandLineError(`unknown option ${token.rawName} (crystal-tui --help lists them)`);
		// "--host --json" is a forgotten value, not a host named "--json".
		if (
			option.type === "string" &&
			(token.value === undefined || (!token.inlineValue && token.value.startsWith("-")))
		)
			throw new CommandLineError(`${token.rawName} needs a value`);
		if (option.type === "boolean" && token.inlineValue)
			throw new CommandLineError(`${token.rawName} takes no value (got ${token.rawName}=${token.value})`);
	}
	if (values.help) return { kind: "help" };
	if (values.version) return { kind: "version" };
	const text = (name: keyof typeof options) => {
		const value = values[name];
		return typeof value === "string" ? value : undefined;
	};
	const count = (name: (typeof counts)[number]): number | undefined => {
		const value = text(name);
		if (value === undefined) return undefined;
		const n = /^\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
		if (!Number.isSafeInteger(n) || n < 1)
			throw new CommandLineError(`--${name} ${value}: expected a whole number of at least 1`);
		return n;
	};
	const flags: Flags = {
		demo: values.demo === true,
		tui: values.tui !== false,
		json: values.json === true,
		all: values.all === true,
		force: values.force === true,
		keepScratch: values["keep-scratch"] === true,
	};
	const optional = {
		runner: text("runner"),
		host: text("host"),
		ranks: count("ranks"),
		threads: count("threads"),
		maxJobs: count("max-jobs"),
		crystalDir: text("crystal-dir"),
		after: text("after"),
		recover: text("recover"),
	};
	for (const [key, value] of Object.entries(optional))
		if (value !== undefined) Object.assign(flags, { [key]: value });
	return { kind: "run", input: positionals, flags };
}
