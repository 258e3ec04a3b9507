/**
 * The supervisor's recovery step: when a run ends, its recovery policy (`recover` = ask or
 * auto) decides what comes next. A failure is turned into facts (the parsed output, its last
 * 64 KiB, the restart files the run left), the ladders' nextAttempt picks the next edit, and
 * the attempt gets its own deck in the run folder (`.crystal-tui/runs/NAME/attempt-N/`), with
 * the output of every attempt kept beside it. With auto it starts at once, through the same
 * runner; with ask it waits as a proposal until a client applies it. The user's NAME.d12 is
 * only written by `recover accept`, after a backup. It all happens here, with no client open.
 */
import { copyFile, mkdir, open, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { join, relative } from "node:path";
import type { DeckEdit } from "../crystal/deck/edit.js";
import { editDeck } from "../crystal/deck/edit.js";
import { failureFacts, type LeftFiles } from "../crystal/diagnosis/facts.js";
import type { LadderId } from "../crystal/diagnosis/ladders.js";
import { type AttemptRecord, nextAttempt } from "../crystal/diagnosis/recovery.js";
import type { AfterEnd, EndedRun } from "../runner/job-runner.js";
import { runDirOf } from "../runner/local.js";
import type { AttemptEntry, RecoveryRecord, RunRecord } from "../runner/run-store.js";
import { type JobSpec, LaunchError } from "../runner/runner.js";

/** How much of the end of NAME.out the facts read (the last SCF cycles' electronic state). */
const tailBytes = 64 * 1024;
/** Restart files written up to this long before the run's recorded start still count as its
 * own (clock steps between this machine and an SSH host, file times rounded to seconds). */
const clockSlackMs = 5000;

export const attemptDirOf = (job: JobSpec, attempt: number): string =>
	join(runDirOf(job.dir, job.name), `attempt-${attempt}`);

/** What the record of attempts says now that a run of the job has ended, and what to run next. */
export async function afterEnd(ended: EndedRun): Promise<AfterEnd | null> {
	const { job, record } = ended;
	const policy = job.recovery;
	const attempt = job.attempt ?? 1;
	const earlier = attempt > 1 ? record?.recovery : undefined;
	if (!earlier && (!policy || policy.mode === "off" || ended.state !== "failed")) return null;
	const mode = earlier?.mode ?? (policy?.mode === "ask" ? "ask" : "auto");
	const maxAttempts = earlier?.maxAttempts ?? policy?.maxAttempts ?? 3;
	const attempts = earlier ? earlier.attempts.slice() : [firstAttempt(job)];
	const current = attempts.findIndex((a) => a.attempt === attempt);
	if (attempt === 1) await forgetAttempts(job);
	const output = await keepOutput(job, attempt, ended.outputPath);
	if (attempt === 1) await keepFirstDeck(job);
	const outcome = ended.state === "failed" ? `failed: ${ended.detail}` : ended.state;
	const entry = attempts[current];
	if (entry) attempts[current] = { ...entry, output, outcome };
	const kept: RecoveryRecord = { mode, maxAttempts, attempts, gaveUp: null, proposal: null };
	if (ended.state !== "failed") {
		const detail =
			ended.state === "finished" && attempt > 1 ? `${ended.detail} (attempt ${attempt})` : ended.detail;
		return { recovery: kept, detail };
	}
	const deckText = await readFile(deckOf(job), "utf8");
	const facts = failureFacts(ended.result.crystal, ended.progress, {
		timeLimit: /TIMEOUT|time limit/i.test(ended.detail),
		left: await leftFiles(job, record?.startedAt ?? ended.handle.launchedAt),
		outputTail: await tail(ended.outputPath),
	});
	const previous = attempts.filter((a) => a.attempt > 1).map(asRecord);
	const next = nextAttempt(facts, previous, deckText, { name: job.name, maxAttempts });
	if (next.gaveUp) {
		return { recovery: { ...kept, gaveUp: next.why }, detail: `${ended.detail}; ${next.why}` };
	}
	const dir = attemptDirOf(job, next.attempt);
	await mkdir(dir, { recursive: true });
	const deckPath = join(dir, `${job.name}.d12`);
	await writeAtomically(deckPath, next.deckText);
	// Kept beside the attempt's deck: what it started from, whatever runs in the folder later.
	for (const file of next.restartFiles) await copyFile(join(job.dir, file.file), join(dir, file.file));
	const proposed: AttemptEntry = {
		attempt: next.attempt,
		ladder: next.ladder,
		step: next.step,
		summary: next.summary,
		reason: next.reason,
		diff: next.diff,
		notes: next.notes,
		deck: relative(job.dir, deckPath),
		output: null,
		outcome: null,
		edits: next.edits.filter((e) => !readsRestartFile(e)),
	};
	if (mode === "ask") {
		return {
			recovery: { ...kept, proposal: proposed },
			detail: `${ended.detail}; proposed ${proposed.summary} (crystal-tui recover apply ${job.id})`,
		};
	}
	return {
		recovery: { ...kept, attempts: [...attempts, proposed] },
		detail: proposed.summary,
		next: nextSpec(job, proposed),
	};
}

/** The spec of an attempt: the same run, its own deck staged as INPUT. */
export function nextSpec(job: JobSpec, attempt: AttemptEntry): JobSpec {
	return { ...job, deckPath: attempt.deck, attempt: attempt.attempt };
}

/** `ask`: the proposed attempt starts; the record of attempts goes on with it. */
export function applyProposal(record: RunRecord): { spec: JobSpec; recovery: RecoveryRecord } {
	const recovery = record.recovery;
	const proposal = recovery?.proposal;
	if (!recovery || !proposal) throw new LaunchError(`${record.jobId} has no proposed change to apply`);
	return {
		spec: nextSpec(record.spec, proposal),
		recovery: { ...recovery, attempts: [...recovery.attempts, proposal], proposal: null },
	};
}

/**
 * Writes the edits of the attempts up to the one that worked into the user's NAME.d12, after
 * copying it to NAME.d12.bak. GUESSP and RESTART stay out: they read files of one attempt.
 */
export async function acceptAttempt(
	record: RunRecord,
): Promise<{ deck: string; backup: string; summary: string }> {
	const attempts = record.recovery?.attempts ?? [];
	const worked = attempts.find((a) => a.attempt > 1 && a.outcome === "finished");
	if (!worked)
		throw new LaunchError(
			attempts.length > 1
				? `no attempt of ${record.jobId} has finished well yet: nothing to accept`
				: `${record.jobId} has no attempts made by recovery: nothing to accept`,
		);
	const edits = attempts.filter((a) => a.attempt > 1 && a.attempt <= worked.attempt).flatMap((a) => a.edits);
	const deck = join(record.spec.dir, `${record.spec.name}.d12`);
	const text = await readFile(deck, "utf8");
	const edited = editDeck(text, edits);
	// Accepted before: a second backup would overwrite the deck as it was with the accepted one.
	if (edited.text === text)
		throw new LaunchError(`${deck} already holds ${worked.summary.replace(/^attempt \d+: /, "")}`);
	const backup = `${deck}.bak`;
	await copyFile(deck, backup);
	await writeAtomically(deck, edited.text);
	return { deck, backup, summary: worked.summary };
}

function firstAttempt(job: JobSpec): AttemptEntry {
	return {
		attempt: 1,
		summary: "attempt 1: the deck as written",
		reason: "",
		diff: "",
		notes: [],
		deck: relative(job.dir, join(attemptDirOf(job, 1), `${job.name}.d12`)),
		output: null,
		outcome: null,
		edits: [],
	};
}

function asRecord(entry: AttemptEntry): AttemptRecord {
	return {
		attempt: entry.attempt,
		ladder: (entry.ladder ?? "scf") as LadderId,
		step: entry.step ?? "",
		summary: entry.summary,
		reason: entry.reason,
		diff: entry.diff,
		notes: entry.notes,
	};
}

const readsRestartFile = (edit: DeckEdit) =>
	edit.action === "set" && (edit.keyword === "GUESSP" || edit.keyword === "RESTART");

const deckOf = (job: JobSpec) => join(job.dir, job.deckPath ?? `${job.name}.d12`);

/** A new run's first failure: the attempt folders of an earlier heal belong to another story. */
async function forgetAttempts(job: JobSpec): Promise<void> {
	const runDir = runDirOf(job.dir, job.name);
	const names = await readdir(runDir).catch(() => [] as string[]);
	for (const name of names)
		if (/^attempt-\d+$/.test(name)) await rm(join(runDir, name), { recursive: true, force: true });
}

/** The deck as written, kept as attempt 1's: NAME.d12 may be edited later, by hand or by accept. */
async function keepFirstDeck(job: JobSpec): Promise<void> {
	const dir = attemptDirOf(job, 1);
	await mkdir(dir, { recursive: true });
	await copyFile(join(job.dir, `${job.name}.d12`), join(dir, `${job.name}.d12`));
}

/** The attempt's NAME.out, copied beside its deck (the next launch sets NAME.out aside). */
async function keepOutput(job: JobSpec, attempt: number, outputPath: string): Promise<string | null> {
	const dir = attemptDirOf(job, attempt);
	await mkdir(dir, { recursive: true });
	const kept = join(dir, `${job.name}.out`);
	try {
		await copyFile(outputPath, kept);
		return relative(job.dir, kept);
	} catch {
		return null;
	}
}

/** The restart files this run left: there, and written since it started. */
async function leftFiles(job: JobSpec, startedAt: number): Promise<LeftFiles> {
	const fresh = async (suffix: string) => {
		try {
			return (await stat(join(job.dir, `${job.name}.${suffix}`))).mtimeMs >= startedAt - clockSlackMs;
		} catch {
			return false;
		}
	};
	return {
		waveFunction: await fresh("f9"),
		optinfo: await fresh("optinfo"),
		hessopt: await fresh("hessopt"),
	};
}

async function tail(path: string): Promise<string> {
	try {
		const file = await open(path, "r");
		try {
			const { size } = await file.stat();
			const length = Math.min(size, tailBytes);
			const buffer = Buffer.alloc(length);
			await file.read(buffer, 0, length, size - length);
			return buffer.toString("utf8");
		} finally {
			await file.close();
		}
	} catch {
		return "";
	}
}

async function writeAtomically(path: string, text: string): Promise<void> {
	const tmp = `${path}.crystal-tui-tmp`;
	await writeFile(tmp, text);
	await rename(tmp, path);
}
