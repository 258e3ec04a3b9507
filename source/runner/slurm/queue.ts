/**
 * What SLURM says about the user's jobs, with one query for all of them: `squeue -t all` (it
 * also shows jobs that ended less than MinJobAge ago), then for jobs it no longer shows,
 * `sacct` where accounting exists and `scontrol show job` where it does not. The snapshot is
 * reused for the configured interval so that a cockpit with many jobs stays gentle on the
 * controller.
 */
import type { Machine } from "./machine.js";

export interface SlurmJobInfo {
	id: string;
	name: string;
	/** State word as SLURM prints it (PENDING, RUNNING, CANCELLED, ...). */
	state: string;
	reason: string;
	user: string;
	/** Elapsed run time as SLURM prints it. */
	timeUsed: string;
	nodes: string;
	partition: string;
	workDir: string;
	/** Batch stdout with the usual % patterns expanded (%j, %x, %u, %A, %a, %%). */
	stdout: string;
	/** "code:signal" when known (scontrol, sacct). */
	exitCode?: string;
	/** The batch script's path (scontrol): tells a crystal-tui job script and its deck name. */
	command?: string;
	/** When it started running, as SLURM prints it (scontrol: 2024-06-05T10:21:44). */
	startTime?: string;
}

const fields = [
	"JobID",
	"State",
	"Reason",
	"UserName",
	"TimeUsed",
	"NodeList",
	"Partition",
	"WorkDir",
	"STDOUT",
];
/** Name last: it is the field most likely to hold the separator. */
const squeueFormat = `${fields.map((f) => `${f}:|`).join(",")},Name:`;

export const squeueScript = `squeue -h -t all -u "$(id -un)" -O '${squeueFormat}'`;

export function parseSqueue(text: string): SlurmJobInfo[] {
	const jobs: SlurmJobInfo[] = [];
	for (const line of text.split("\n")) {
		if (!line.trim()) continue;
		const parts = line.split("|");
		if (parts.length < fields.length + 1) continue;
		const [id, state, reason, user, timeUsed, nodes, partition, workDir] = parts.map((p) => p.trim());
		const stdoutPattern = parts[8]?.trim() ?? "";
		const name = parts.slice(9).join("|").trim();
		if (!id || !/^\d+(_\d+)?$/.test(id)) continue;
		jobs.push({
			id,
			name,
			state: state ?? "",
			reason: reason ?? "",
			user: user ?? "",
			timeUsed: timeUsed ?? "",
			nodes: nodes ?? "",
			partition: partition ?? "",
			workDir: workDir ?? "",
			stdout: expandOutputPattern(stdoutPattern, id, name, user ?? "", workDir ?? ""),
		});
	}
	return jobs;
}

/** sbatch's filename patterns, the common ones; a relative name is taken from the job's workdir. */
export function expandOutputPattern(
	pattern: string,
	id: string,
	name: string,
	user: string,
	workDir: string,
): string {
	if (!pattern) return workDir ? `${workDir}/slurm-${id}.out` : "";
	const [jobId, task] = id.split("_");
	const expanded = pattern.replace(/%(%|\d*[jJxuAa])/g, (_, p: string) => {
		if (p === "%") return "%";
		const width = Number.parseInt(p, 10);
		const kind = p.slice(-1);
		const value = { j: jobId, J: id, A: jobId, a: task ?? "", x: name, u: user }[kind] ?? "";
		return Number.isFinite(width) && /^\d+$/.test(value) ? value.padStart(width, "0") : value;
	});
	return expanded.startsWith("/") || !workDir ? expanded : `${workDir}/${expanded}`;
}

/** One line per job of `scontrol show job -o`: the keys crystal-tui needs. */
export function parseScontrol(text: string): SlurmJobInfo[] {
	const jobs: SlurmJobInfo[] = [];
	for (const line of text.split("\n")) {
		if (!line.startsWith("JobId=")) continue;
		// Values may hold spaces: a field ends where the next "Key=" begins.
		const map = new Map<string, string>();
		const re = /(?:^| )([A-Za-z][A-Za-z0-9/:_]*)=/g;
		const marks: Array<{ key: string; start: number; end: number }> = [];
		for (let m = re.exec(line); m; m = re.exec(line))
			marks.push({ key: m[1] ?? "", start: m.index, end: re.lastIndex });
		marks.forEach((mark, i) => {
			const next = marks[i + 1];
			map.set(mark.key, line.slice(mark.end, next ? next.start : undefined).trim());
		});
		const id = map.get("JobId") ?? "";
		jobs.push({
			id,
			name: map.get("JobName") ?? "",
			state: map.get("JobState") ?? "",
			reason: map.get("Reason") ?? "",
			user: (map.get("UserId") ?? "").replace(/\(.*\)$/, ""),
			timeUsed: map.get("RunTime") ?? "",
			nodes: map.get("NodeList") ?? "",
			partition: map.get("Partition") ?? "",
			workDir: map.get("WorkDir") ?? "",
			stdout: map.get("StdOut") ?? "",
			exitCode: map.get("ExitCode"),
			command: map.get("Command"),
			startTime: map.get("StartTime"),
		});
	}
	return jobs;
}

/** `sacct -X -P -n -o JobID,State,ExitCode,JobName`. */
export function parseSacct(text: string): SlurmJobInfo[] {
	return text
		.split("\n")
		.filter((l) => l.trim())
		.map((l) => {
			const [id = "", state = "", exitCode = "", ...name] = l.split("|");
			return {
				id,
				name: name.join("|"),
				state,
				reason: "",
				user: "",
				timeUsed: "",
				nodes: "",
				partition: "",
				workDir: "",
				stdout: "",
				exitCode,
			};
		});
}

export interface QueueSnapshot {
	jobs: Map<string, SlurmJobInfo>;
	/** Epoch ms of the query. */
	at: number;
}

export class SlurmQueue {
	private snapshot: QueueSnapshot | null = null;
	private pending: Promise<QueueSnapshot> | null = null;
	private accounting: boolean | null = null;

	constructor(
		private readonly machine: Machine,
		/** The configured poll interval: squeue is asked at most this often. */
		readonly intervalMs: number,
	) {}

	get lastSync(): number | null {
		return this.snapshot?.at ?? null;
	}

	/** The user's jobs as squeue sees them, queried at most once per interval (or when the
	 * snapshot is older than `notBefore`, e.g. a job submitted after it). */
	async current(notBefore = 0): Promise<QueueSnapshot> {
		const s = this.snapshot;
		if (s && Date.now() - s.at < this.intervalMs && s.at >= notBefore) return s;
		return this.refresh();
	}

	refresh(): Promise<QueueSnapshot> {
		if (!this.pending) {
			this.pending = (async () => {
				const at = Date.now();
				const out = await this.machine.exec(squeueScript, {}, "squeue");
				const snapshot = { jobs: new Map(parseSqueue(out).map((j) => [j.id, j])), at };
				this.snapshot = snapshot;
				return snapshot;
			})().finally(() => {
				this.pending = null;
			});
		}
		return this.pending;
	}

	/** Final word on jobs squeue no longer shows: sacct if accounting exists, else scontrol. */
	async lookup(ids: string[]): Promise<Map<string, SlurmJobInfo>> {
		const found = new Map<string, SlurmJobInfo>();
		if (ids.length === 0) return found;
		const list = ids.join(",");
		if (this.accounting !== false) {
			const r = await this.machine.run(`sacct -X -P -n -j ${list} -o JobID,State,ExitCode,JobName`);
			if (r.code === 0) {
				this.accounting = true;
				for (const j of parseSacct(r.stdout.toString("utf8"))) found.set(j.id, j);
				return found;
			}
			if (/accounting storage is disabled|not configured|No such file|not found/i.test(r.stderr))
				this.accounting = false;
		}
		// scontrol knows one id per call; each is cheap and only asked for jobs that left squeue.
		for (const id of ids) {
			const r = await this.machine.run(`scontrol show job -o ${id}`);
			if (r.code !== 0) continue;
			for (const j of parseScontrol(r.stdout.toString("utf8"))) if (j.id === id) found.set(id, j);
		}
		return found;
	}
}

/** The user's SLURM jobs, including those not started by crystal-tui: for the queue view and
 * for adopting a job as a pane (its workdir and stdout tell where its output is). */
export async function listSlurmJobs(machine: Machine): Promise<SlurmJobInfo[]> {
	return parseSqueue(await machine.exec(squeueScript, {}, "squeue"));
}
