/**
 * Generates the POSIX sh job script that every backend runs (DESIGN.md, "One job, every
 * backend"): scratch folder, staging in by the one table, the program with its output appended
 * to NAME.out as it is produced, staging back, an exit record written atomically last, scratch
 * removed only on success with every result copied back, unless asked to keep it.
 *
 * Every value from outside (paths, names, module names, environment) goes through shellQuote
 * or shellName: a file called `$(rm -rf ~).d12` is just a file name here.
 */

import type { ContainerConfig } from "../config/container.js";
import {
	type JobProgram,
	outputFileName,
	propertiesExecutable,
	stageIn,
	stageOut,
} from "../crystal/staging.js";
import { containerLaunch } from "./container.js";
import type { Parallelism } from "./runner.js";
import { shellName, shellQuote } from "./shell-quote.js";

export interface ScriptOptions {
	/** Deck base name (NAME of NAME.d12 or NAME.d3). */
	name: string;
	/** The CRYSTAL program: properties reads NAME.d3 with NAME.f9 and writes NAME.outp. */
	program?: JobProgram;
	/** Absolute job folder on the machine that runs the job. */
	jobDir: string;
	/** Absolute folder for the PID and exit records. */
	runDir: string;
	/** Where scratch folders are made; null: $CRYSTAL_TUI_SCRATCH, $TMPDIR or /tmp at run time. */
	scratchRoot: string | null;
	isOptimisation: boolean;
	parallelism: Parallelism;
	/** Folder of the CRYSTAL executables; null: looked up on PATH at run time. */
	exeDir: string | null;
	/** How parallel runs are started: `mpirun -np N` on a workstation, `srun` inside SLURM. */
	mpiLauncher: "mpirun" | "srun";
	/** The mpirun to use (a path, or a name looked up on PATH); default "mpirun". */
	mpirun?: string;
	keepScratch: boolean;
	/** Environment modules loaded before the run (`module load NAME`). */
	modules?: string[];
	/** Extra environment for the run. */
	env?: Record<string, string>;
	/** Stage this deck's NAME.gui as fort.34 instead of the job's own (a chained job). */
	geometryFrom?: string;
	/** Stage this deck (relative to the job folder) as INPUT instead of NAME.d12. */
	deckFrom?: string;
	/** Lines placed right after the shebang (#SBATCH directives), already validated. */
	header?: string[];
	/** Run CRYSTAL inside this container (exeDir is then ignored: the image's crystal_dir). */
	container?: ContainerConfig;
}

/** Which executable runs: serial crystalOMP, or Pcrystal/PcrystalOMP under MPI. */
export function programFor(parallelism: Parallelism): string {
	if (parallelism.ranks <= 1) return "crystalOMP";
	return parallelism.threads > 1 ? "PcrystalOMP" : "Pcrystal";
}

/** The executable of a job: properties for a NAME.d3 deck (always serial), else by its ranks. */
export function executableOf(job: { program?: JobProgram; parallelism: Parallelism }): string {
	return job.program === "properties" ? propertiesExecutable : programFor(job.parallelism);
}

const q = shellQuote;

export function jobScript(o: ScriptOptions): string {
	const program = executableOf(o);
	const out = `${o.jobDir.replace(/\/+$/, "")}/${outputFileName(o.name, o.program)}`;
	const serial = o.parallelism.ranks <= 1 || o.program === "properties";
	const exeDir = o.container ? (o.container.crystalDir ?? null) : o.exeDir;
	const exe = exeDir ? `${exeDir.replace(/\/+$/, "")}/${program}` : program;
	const container = o.container
		? containerLaunch({
				container: o.container,
				name: o.name,
				parallelism: o.parallelism,
				launcher: o.mpiLauncher,
				mpirun: o.mpirun ?? "mpirun",
				envNames: Object.keys(o.env ?? {}),
			})
		: null;
	const launch = serial
		? `"$exe" < INPUT >> "$out" 2>&1 &`
		: o.mpiLauncher === "srun"
			? `srun "$exe" >> "$out" 2>&1 &`
			: `${q(o.mpirun ?? "mpirun")} -np ${o.parallelism.ranks} "$exe" >> "$out" 2>&1 &`;

	const stageInLines = stageIn(o.name, o.geometryFrom, o.deckFrom, o.program).map(
		(f) => `stage_in ${q(f.job)} ${q(f.scratch)}`,
	);
	const stageOutLines = stageOut(o.name, o.isOptimisation, o.program).map(
		(f) => `stage_out ${q(f.scratch)} ${q(f.job)}`,
	);
	const moduleLines = (o.modules ?? []).map(
		(m) =>
			`module load ${q(m, "module name")} >> "$out" 2>&1 || note "module load ${m.replaceAll(/[^A-Za-z0-9_./-]/g, "?")} failed"`,
	);
	const envLines = Object.entries(o.env ?? {}).map(
		([k, v]) => `${shellName(k, "environment variable")}=${q(v)}; export ${k}`,
	);
	const scratchRoot = o.scratchRoot ? q(o.scratchRoot) : `"\${CRYSTAL_TUI_SCRATCH:-\${TMPDIR:-/tmp}}"`;

	return `#!/bin/sh
${(o.header ?? []).join("\n")}
# crystal-tui job script for ${JSON.stringify(o.name)}: generated, do not edit (it is written anew at each start).
# Runs CRYSTAL in a scratch folder, appends its output to NAME.out as it is produced, copies the
# results back and writes an exit record last. Safe to leave running: it needs nobody watching.
set -u
trap '' HUP
job_dir=${q(o.jobDir)}
run_dir=${q(o.runDir)}
out=${q(out)}
exe=${q(exe)}
keep_scratch=${o.keepScratch ? 1 : 0}
started=$(date +%s)
terminated=0
code=0
child=
missing=
scratch=
copy_tmp="$job_dir/.crystal-tui-copy.$$"

note() { printf 'crystal-tui: %s\\n' "$1" >> "$out"; }

finish() {
	# The exit record is the last thing the job does, written atomically: its presence means the
	# job is over, and it names every result that could not be copied back. It overwrites the
	# reservation made at the start, so a disk that filled up meanwhile still has room for it.
	how=completed
	[ "$terminated" = 1 ] && how=terminated
	if [ -n "$missing" ] && [ "$code" = 0 ]; then code=74; fi
	{
		printf 'code=%s\\nstarted=%s\\nended=%s\\nhow=%s\\n' "$code" "$started" "$(date +%s)" "$how"
		[ -n "$missing" ] && printf '%s' "$missing" && printf 'scratch=%s\\n' "$scratch"
	} > "$run_dir/exit.tmp"
	mv -f "$run_dir/exit.tmp" "$run_dir/exit"
	exit "$code"
}

on_term() {
	terminated=1
	[ -n "$child" ] && kill -TERM "$child" 2>/dev/null
}
trap on_term TERM INT

stage_in() {
	if [ -f "$job_dir/$1" ]; then
		cp "$job_dir/$1" "$scratch/$2" || { note "could not copy $1 to the scratch folder"; code=74; finish; }
	fi
}

stage_out() {
	[ -f "$scratch/$1" ] || return 0
	# An optimisation's fort.34 replaces NAME.gui: keep the geometry it started from once (and
	# leave NAME.gui as it is when even that copy fails).
	if [ -f "$job_dir/$2" ] && [ ! -e "$job_dir/$2.orig" ] && ! cmp -s "$scratch/$1" "$job_dir/$2"; then
		cp "$job_dir/$2" "$job_dir/$2.orig" || { rm -f "$job_dir/$2.orig"; stage_out_failed "$1" "$2"; return 0; }
	fi
	# A short temporary name, whatever the deck's (NAME_MAX), renamed into place when complete.
	cp "$scratch/$1" "$copy_tmp" && mv -f "$copy_tmp" "$job_dir/$2" && return 0
	rm -f "$copy_tmp"
	stage_out_failed "$1" "$2"
}

stage_out_failed() {
	note "could not copy $1 back as $2"
	missing="\${missing}missing=$2
"
}

mkdir -p "$run_dir"
printf '%s\\n' "$$" > "$run_dir/pid.tmp" && mv -f "$run_dir/pid.tmp" "$run_dir/pid"
# Room for the exit record, taken now while there is some (finish overwrites it).
printf '%1024s\\n' '' > "$run_dir/exit.tmp"
: >> "$out"

scratch_root=${scratchRoot}
mkdir -p "$scratch_root" 2>/dev/null
scratch=$(mktemp -d "$scratch_root/crystal-tui.XXXXXX") || { note "cannot make a scratch folder in $scratch_root"; code=73; finish; }
printf '%s\\n' "$scratch" > "$run_dir/scratch"

${stageInLines.join("\n")}

${moduleLines.join("\n")}
${envLines.join("\n")}
OMP_NUM_THREADS=${o.parallelism.threads}; export OMP_NUM_THREADS

${
	container?.prepare ??
	`case "$exe" in
*/*) [ -x "$exe" ] || { note "CRYSTAL executable not found: $exe"; code=127; finish; } ;;
*) command -v "$exe" > /dev/null 2>&1 || { note "CRYSTAL executable ${program} not found on PATH"; code=127; finish; } ;;
esac`
}

cd "$scratch" || { code=73; finish; }
${container?.launch ?? launch}
child=$!
wait "$child"
code=$?
# A trapped SIGTERM interrupts wait before the program has ended: wait for it to finish.
while kill -0 "$child" 2>/dev/null; do wait "$child"; code=$?; done
${container?.cleanup ?? ""}
cd "$job_dir" || true

${stageOutLines.join("\n")}

# Removed only when every result is home: otherwise it holds the only copy.
if [ -n "$missing" ]; then
	note "results left behind: the scratch folder is kept with them: $scratch"
elif [ "$code" = 0 ] && [ "$terminated" = 0 ] && [ "$keep_scratch" = 0 ]; then
	rm -rf "$scratch"
else
	note "scratch folder kept: $scratch"
fi
finish
`;
}
