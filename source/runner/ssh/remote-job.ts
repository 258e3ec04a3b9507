/**
 * The shell snippets that start, check and stop a job script on a host reached over ssh. Each is
 * one POSIX sh script (one round trip); every path in it is quoted.
 *
 * A job is its process group: the job script is started under `setsid`, so its PID is also its
 * group and session id, and everything it starts (CRYSTAL, mpirun and its ranks) is in there.
 * The leader's start time (/proc/PID/stat field 22) tells our process from a recycled PID.
 */
import type { ExitRecord, Liveness } from "../backend.js";
import { exitRecordFrom } from "../exit-record.js";
import { shellQuote as q } from "../shell-quote.js";

/** Start time of a PID, in clock ticks since boot (field 22; the name before it may hold spaces). */
const startOf = (pid: string) => `$(sed 's/.*) //' /proc/${pid}/stat 2>/dev/null | cut -d' ' -f20)`;

/**
 * Moves an earlier NAME.out aside, clears stale records, writes the job script from stdin and
 * starts it detached (nohup setsid). Prints "PID START" once the script has recorded its PID.
 */
export function launchScript(workDir: string, runDir: string, outName: string): string {
	const out = `${workDir}/${outName}`;
	return `set -e
mkdir -p -- ${q(workDir)} ${q(runDir)}
if [ -e ${q(out)} ]; then mv -f -- ${q(out)} ${q(`${out}.prev`)}; fi
rm -f -- ${q(`${runDir}/exit`)} ${q(`${runDir}/exit.tmp`)} ${q(`${runDir}/pid`)} ${q(`${runDir}/pid.tmp`)}
cat > ${q(`${runDir}/job.sh.tmp`)}
mv -f -- ${q(`${runDir}/job.sh.tmp`)} ${q(`${runDir}/job.sh`)}
set +e
cd -- ${q(workDir)}
nohup setsid sh ${q(`${runDir}/job.sh`)} < /dev/null > /dev/null 2>&1 &
i=0
while [ ! -s ${q(`${runDir}/pid`)} ] && [ ! -f ${q(`${runDir}/exit`)} ] && [ "$i" -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
pid=$(cat ${q(`${runDir}/pid`)} 2>/dev/null)
[ -n "$pid" ] || { echo "the job script did not start" >&2; exit 3; }
printf '%s %s\\n' "$pid" "${startOf('"$pid"')}"
`;
}

export function parseLaunch(stdout: string): { pid: number; start: string | null } {
	const [pid, start] = stdout.trim().split(/\s+/);
	const n = Number(pid);
	if (!Number.isInteger(n) || n <= 1)
		throw new Error(`unexpected answer from the job start: ${JSON.stringify(stdout)}`);
	return { pid: n, start: start || null };
}

/**
 * The PID record of a job script as the host sees it, for a launch cut short: one line
 * `PID MTIME NOW BTIME START` (epoch seconds of the record, of the host's clock now and of its
 * boot; START in ticks, empty when the process is gone), or nothing when there is no record.
 */
export function recoverScript(runDir: string): string {
	const pidFile = q(`${runDir}/pid`);
	return `[ -s ${pidFile} ] || exit 0
pid=$(cat ${pidFile})
printf '%s %s %s %s %s\n' "$pid" "$(stat -c %Y ${pidFile})" "$(date +%s)" "$(awk '/^btime/ {print $2}' /proc/stat)" "${startOf('"$pid"')}"
`;
}

export interface RecoveredRecord {
	pid: number;
	/** When the record was written, on this machine's clock (the host's clock offset removed). */
	writtenAt: number;
	/** The process under that PID, when there is one: its start in ticks, and as epoch ms on
	 * this machine's clock. */
	start: string | null;
	startedAt: number | null;
}

export function parseRecover(stdout: string, localNow: number): RecoveredRecord | null {
	const [pid, mtime, now, btime, start] = stdout.trim().split(/\s+/);
	const n = Number(pid);
	if (!Number.isInteger(n) || n <= 1 || !mtime || !now) return null;
	const offset = localNow - Number(now) * 1000;
	const startedAt = start && btime ? Number(btime) * 1000 + Number(start) * 10 + offset : null;
	return { pid: n, writtenAt: Number(mtime) * 1000 + offset, start: start || null, startedAt };
}

export interface ProcessRef {
	runDir: string;
	pgid: number | null;
	pidStart: string | null;
}

/**
 * One script for the liveness of many jobs. For each job it prints one line: `I ALIVE`, or
 * `I EXIT code=.. started=.. ended=.. how=..` (the exit record on one line), or `I GONE`.
 * The group is checked before the exit record is read: the record is written before the
 * script ends, so a job seen gone either has its record or never wrote one.
 */
export function livenessScript(jobs: ProcessRef[]): string {
	const blocks = jobs.map((j, i) => {
		const pg = j.pgid ? String(j.pgid) : "";
		const alive = pg
			? `{ kill -0 ${pg} 2>/dev/null && [ "${startOf(pg)}" = ${q(j.pidStart ?? "")} -o -z ${q(j.pidStart ?? "")} ]; } || kill -0 -${pg} 2>/dev/null`
			: "false";
		return `if ${alive}; then echo '${i} ALIVE'
elif [ -f ${q(`${j.runDir}/exit`)} ]; then printf '${i} EXIT %s\\tscratch_dir=%s\\n' "$(tr '\\n' '\\t' < ${q(`${j.runDir}/exit`)})" "$(cat ${q(`${j.runDir}/scratch`)} 2>/dev/null)"
else echo '${i} GONE'; fi`;
	});
	return blocks.join("\n");
}

/** `runDirs`: the jobs' run folders, to name an exit record that cannot be read. */
export function parseLiveness(stdout: string, count: number, runDirs: string[] = []): Liveness[] {
	const found = new Map<number, Liveness>();
	for (const line of stdout.split("\n")) {
		const m = /^(\d+) (ALIVE|EXIT|GONE) ?(.*)$/.exec(line);
		if (!m) continue;
		const i = Number(m[1]);
		if (m[2] === "ALIVE") found.set(i, { alive: true });
		else if (m[2] === "EXIT") found.set(i, exitLiveness(exitRecordLine(m[3] ?? "", runDirs[i])));
		else
			found.set(i, {
				alive: false,
				exit: null,
				detail: "the job ended without an exit record (killed, or the host rebooted)",
			});
	}
	return Array.from(
		{ length: count },
		(_, i) => found.get(i) ?? { alive: true, detail: "no answer for this job" },
	);
}

const exitLiveness = (exit: ExitRecord | null): Liveness => ({ alive: false, exit });

/** An exit record sent as one line (its lines joined by tabs), then the scratch folder. */
function exitRecordLine(line: string, runDir: string | undefined): ExitRecord {
	const fields = line.split("\t");
	const kept = fields.findLast((f) => f.startsWith("scratch_dir="))?.slice("scratch_dir=".length);
	const record = fields.filter((f) => !f.startsWith("scratch_dir=")).join("\n");
	return exitRecordFrom(record, `${runDir ?? "the run folder"}/exit`, kept || null);
}

/**
 * SIGTERM to the job's group, then SIGKILL after the grace period if anything of it is left
 * (or SIGKILL at once when forced). Exits 0 when the group is gone.
 */
export function killScript(job: ProcessRef, force: boolean, graceMs: number): string {
	if (!job.pgid) return "exit 0";
	const pg = String(job.pgid);
	const steps = Math.max(1, Math.ceil(graceMs / 200));
	return `pg=${pg}
# A live leader with another start time is a recycled PID: not ours, leave it alone.
if kill -0 "$pg" 2>/dev/null && [ -n ${q(job.pidStart ?? "")} ] && [ "${startOf('"$pg"')}" != ${q(job.pidStart ?? "")} ]; then exit 0; fi
kill -0 -"$pg" 2>/dev/null || exit 0
${
	force
		? ""
		: `kill -TERM -"$pg" 2>/dev/null
i=0
while kill -0 -"$pg" 2>/dev/null && [ "$i" -lt ${steps} ]; do sleep 0.2; i=$((i + 1)); done`
}
if kill -0 -"$pg" 2>/dev/null; then kill -KILL -"$pg" 2>/dev/null; sleep 0.2; fi
kill -0 -"$pg" 2>/dev/null && exit 1
exit 0`;
}
