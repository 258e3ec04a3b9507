/**
 * The command line: flags and subcommands to one of the modes (cockpit, run, status, stop,
 * parse); nothing else happens here.
 */
import meow from "meow";
import { runCommand } from "./commands/dispatch.js";
import { runParse } from "./commands/parse.js";

const cli = meow(
	`
  crystal-tui: watch and steer CRYSTAL jobs from the terminal

  Usage
    crystal-tui [DIR]                 open the cockpit on a project folder (default: here);
                                      every NAME.d12 deck in it is a job
    crystal-tui --demo                the same on a bundled demo, with a mock CRYSTAL
    crystal-tui run DECK... [--no-tui]  start jobs; --no-tui prints their output instead
    crystal-tui status [--json]       the jobs of this folder and their states
    crystal-tui stop JOB... | --all   stop jobs (SIGTERM, then SIGKILL after 10 s)
    crystal-tui parse FILE... [--json]  read CRYSTAL outputs: energy, convergence, diagnosis

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
`,
	{
		importMeta: import.meta,
		allowUnknownFlags: false,
		flags: {
			demo: { type: "boolean", default: false },
			runner: { type: "string" },
			host: { type: "string" },
			ranks: { type: "number" },
			threads: { type: "number" },
			maxJobs: { type: "number" },
			crystalDir: { type: "string" },
			keepScratch: { type: "boolean", default: false },
			tui: { type: "boolean", default: true },
			json: { type: "boolean", default: false },
			all: { type: "boolean", default: false },
			force: { type: "boolean", default: false },
			after: { type: "string" },
		},
	},
);

const [command, ...rest] = cli.input;
const write = (text: string) => process.stdout.write(text);

const exitCode =
	command === "parse"
		? await runParse(rest, { json: cli.flags.json }, process.stdout, process.stderr)
		: await runCommand(cli.input, cli.flags, write);
process.exitCode = exitCode;
