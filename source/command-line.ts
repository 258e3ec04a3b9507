/**
 * The command line as crystal-tui reads it: meow parses it (kebab-case flags to camelCase,
 * `--no-` negation, repeated flags refused, the help text); the checks meow leaves to its caller
 * are here, each refusal naming the option as typed, so that cli.ts can print it and exit 2
 * (meow's own unknown-flag check would exit from inside the parser, with its own wording).
 */
import { statSync } from "node:fs";
import { resolve } from "node:path";
import meow from "meow";
import type { Flags } from "./commands/dispatch.js";
import { packageVersion } from "./package-root.js";

export const helpText = `
  crystal-tui: watch and steer CRYSTAL jobs from the terminal

  Usage
    crystal-tui [DIR]                 open the cockpit on a project folder (default: here);
                                      every NAME.d12 deck in it is a job, and every
                                      NAME.d3 (properties, on the SCF's NAME.f9)
    crystal-tui --demo                the same on a bundled demo, with a mock CRYSTAL
    crystal-tui run DECK... [--no-tui]  start jobs; --no-tui prints their output instead
    crystal-tui status [--json] [--all]  the jobs of this folder (--all: of every project)
    crystal-tui stop JOB... | --all   stop jobs, queued ones too (SIGTERM, SIGKILL after 10 s)
    crystal-tui queue up|down|top|hold|release JOB... | pause | resume
                                      order the queue of this folder
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
    --oversubscribe            allow ranks x threads above the cores of the machine or host
    --after JOB                with run: start the decks once JOB has finished well; a deck
                               that reads EXTERNAL gets JOB's optimised geometry (JOB.gui)
    --recover off|ask|auto     when a run fails: nothing, propose the fix, or apply it and
                               run again (max_attempts in crystal-tui.toml, default 3)

  Other options
    --no-tui                   plain prefixed lines instead of the cockpit
    --json                     machine-readable output (status, parse)
    --all                      with stop: every running job; with status: every project
    --force                    with stop: SIGKILL at once
    --help, --version

  Jobs belong to the crystal-tui supervisor (started on first need, one per user): they keep
  running, and queues go on, when crystal-tui quits, crashes or the SSH connection drops; the
  next start shows them. State lives in DIR/.crystal-tui/.

  Examples
    crystal-tui run mgo.d12 --ranks 4
    crystal-tui run opt.d12 --no-tui | tee run.log
    crystal-tui run opt.d12 freq.d12 --after opt   (frequencies on the optimised geometry)
    crystal-tui run mgo.d12 mgo.d3    (the SCF, then bands and DOS on its wave function)
    crystal-tui stop mgo
    crystal-tui parse *.out --json
`;

export type CommandLine =
	| { kind: "run"; input: string[]; flags: Flags }
	| { kind: "help"; text: string }
	| { kind: "version"; version: string }
	/** A message for the user, naming the option it is about. */
	| { kind: "error"; message: string };

const flagSpec = {
	demo: { type: "boolean" },
	runner: { type: "string" },
	host: { type: "string" },
	ranks: { type: "string" },
	threads: { type: "string" },
	maxJobs: { type: "string" },
	crystalDir: { type: "string" },
	keepScratch: { type: "boolean" },
	oversubscribe: { type: "boolean" },
	tui: { type: "boolean" },
	json: { type: "boolean" },
	all: { type: "boolean" },
	force: { type: "boolean" },
	after: { type: "string" },
	recover: { type: "string" },
	help: { type: "boolean" },
	version: { type: "boolean" },
} as const;

type Name = keyof typeof flagSpec;
const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
/** The option as typed on the command line (`--max-jobs`), from its camelCase key. */
const typedNames = new Map(Object.keys(flagSpec).map((name) => [`--${kebab(name)}`, name as Name]));

class CommandLineError extends Error {}

export function parseCommandLine(argv: string[]): CommandLine {
	try {
		return parse(argv);
	} catch (error) {
		if (error instanceof CommandLineError) return { kind: "error", message: error.message };
		throw error;
	}
}

/** Refuses what meow would take silently: an unknown option (it keeps it as a flag), a value
 * for a switch (`--demo=yes` is read as false), `--no-` before an option with a value. */
function checkTokens(argv: string[]): void {
	const end = argv.indexOf("--");
	for (const token of end === -1 ? argv : argv.slice(0, end)) {
		// A lone "-" and negative numbers are values ("--ranks -1" is refused below, by name).
		if (!token.startsWith("-") || token === "-" || /^-\d/.test(token)) continue;
		const [typed = token, value] = token.split(/=(.*)/s);
		const negated = typed.startsWith("--no-") ? typedNames.get(`--${typed.slice(5)}`) : undefined;
		const name = typedNames.get(typed) ?? negated;
		if (!name || (negated && flagSpec[negated].type !== "boolean"))
			throw new CommandLineError(`unknown option ${typed} (crystal-tui --help lists them)`);
		if (flagSpec[name].type === "boolean" && value !== undefined)
			throw new CommandLineError(`${typed} takes no value (got ${token})`);
	}
}

export const commands = ["run", "status", "stop", "queue", "recover", "parse", "export"] as const;

const isFolder = (path: string): boolean => {
	try {
		return statSync(path).isDirectory();
	} catch {
		return false;
	}
};

/** The words: a command or a project folder first; the decks of `run` each once. */
function checkWords([first, ...rest]: string[]): void {
	if (first === undefined || (commands as readonly string[]).includes(first)) {
		if (first !== "run") return;
		const seen = new Map<string, string>();
		for (const deck of rest) {
			// mgo.d12, mgo and ./mgo.d12 are one job: starting it twice would start it and then fail.
			const key = resolve(deck).replace(/\.d12$/, "");
			const earlier = seen.get(key);
			if (earlier !== undefined)
				throw new CommandLineError(
					`run: ${deck} is given twice${earlier === deck ? "" : ` (also as ${earlier})`}: name each deck once`,
				);
			seen.set(key, deck);
		}
		return;
	}
	if (!isFolder(first))
		throw new CommandLineError(
			`unknown command ${JSON.stringify(first)}, and no folder of that name: the commands are ${commands.join(", ")}, or give a project folder (crystal-tui --help)`,
		);
}

function parse(argv: string[]): CommandLine {
	checkTokens(argv);
	let cli: ReturnType<typeof meow<typeof flagSpec>>;
	try {
		cli = meow({
			importMeta: import.meta,
			// Given, so meow neither looks for package.json nor normalises it (spdx and
			// hosted-git-info tables: a fifth of a start, for a version string).
			pkg: { version: packageVersion() },
			argv,
			help: helpText,
			description: false,
			flags: flagSpec,
			// Help, version and unknown options are answered by the caller, not by process.exit here.
			autoHelp: false,
			autoVersion: false,
			allowUnknownFlags: true,
			// A switch not given stays absent, so the configuration can fill it.
			booleanDefault: undefined,
		});
	} catch (error) {
		// meow's own refusal of a repeated option: "The flag --host can only be set once."
		throw new CommandLineError((error as Error).message.replace(/^The flag /, "").replace(/\.$/, ""));
	}
	const values = cli.flags;
	if (values.help) return { kind: "help", text: cli.help };
	if (values.version) return { kind: "version", version: packageVersion() };
	const text = (name: Name): string | undefined => {
		const value = values[name];
		if (typeof value !== "string") return undefined;
		// "--host --json" and "--host=" leave the option empty: a forgotten value, not a host "".
		if (value === "") throw new CommandLineError(`--${kebab(name)} needs a value`);
		return value;
	};
	const count = (name: "ranks" | "threads" | "maxJobs"): number | undefined => {
		const value = text(name);
		if (value === undefined) return undefined;
		const n = /^\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
		if (!Number.isSafeInteger(n) || n < 1)
			throw new CommandLineError(`--${kebab(name)} ${value}: expected a whole number of at least 1`);
		return n;
	};
	const flags: Flags = {
		demo: values.demo === true,
		tui: values.tui !== false,
		json: values.json === true,
		all: values.all === true,
		force: values.force === true,
		keepScratch: values.keepScratch === true,
	};
	if (values.oversubscribe) flags.oversubscribe = true;
	checkWords(cli.input);
	const optional = {
		runner: text("runner"),
		host: text("host"),
		ranks: count("ranks"),
		threads: count("threads"),
		maxJobs: count("maxJobs"),
		crystalDir: text("crystalDir"),
		after: text("after"),
		recover: text("recover"),
	};
	for (const [key, value] of Object.entries(optional))
		if (value !== undefined) Object.assign(flags, { [key]: value });
	return { kind: "run", input: cli.input, flags };
}
