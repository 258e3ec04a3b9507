/**
 * The attempts of a run healed by its recovery policy, as lines of the result view: each
 * attempt's edit, outcome and reason, the diff of its deck, why recovery gave up, and the change
 * proposed (recover = ask) with the keys that apply or accept it.
 */
import type { AttemptEntry } from "../runner/run-store.js";
import type { Line, Tone } from "./result-lines.js";
import type { JobView } from "./store.js";

export function attemptLines(job: JobView): Line[] {
	const recovery = job.recovery;
	if (!recovery) return [];
	const lines: Line[] = [];
	const add = (text: string, tone: Tone = "plain") => lines.push({ text, tone });
	add("");
	add(`Attempts (recover = ${recovery.mode}, at most ${recovery.maxAttempts})`, "title");
	for (const attempt of recovery.attempts) {
		const outcome = attempt.outcome ?? (job.state === "running" ? "running" : job.state);
		const tone: Tone = outcome === "finished" ? "good" : outcome.startsWith("failed") ? "bad" : "plain";
		add(`${attempt.summary} · ${outcome}`, tone);
		describe(attempt, add);
	}
	if (recovery.gaveUp) add(`✗ ${recovery.gaveUp}`, "bad");
	const worked = recovery.attempts.find((a) => a.attempt > 1 && a.outcome === "finished");
	if (worked) add(`A: write the edit that worked into ${job.deckPath} (a backup is kept as .bak)`, "fix");
	const proposal = recovery.proposal;
	if (proposal) {
		add("");
		add(`Proposed: ${proposal.summary}`, "fix");
		describe(proposal, add);
		add("a: apply it and run the job again (asks first)", "fix");
	}
	return lines;
}

function describe(attempt: AttemptEntry, add: (text: string, tone?: Tone) => void): void {
	if (attempt.reason) add(`  ${attempt.reason}`, "dim");
	for (const note of attempt.notes) add(`  note: ${note}`, "warn");
	for (const line of attempt.diff.split("\n")) {
		if (!line || line.startsWith("====") || line.startsWith("Index:")) continue;
		const tone: Tone =
			line.startsWith("+") && !line.startsWith("+++")
				? "good"
				: line.startsWith("-") && !line.startsWith("---")
					? "bad"
					: "dim";
		add(`    ${line}`, tone);
	}
}
