/**
 * The next attempt after a failed one: which rung of which ladder, the deck it runs, the
 * restart files it takes from the failed attempt, and the record that says what changed and
 * why. Or, when nothing more should be tried, that it gave up, why, and what was tried. Pure:
 * the caller reads the output and the folder, writes the deck and copies the files.
 */
import { createTwoFilesPatch } from "diff";
import { type DeckChange, type DeckEdit, describeChange, editDeck, keywordValue } from "../deck/edit.js";
import { DeckLayoutError } from "../deck/layout.js";
import { readDeck } from "../deck/read.js";
import type { FailureFacts } from "./facts.js";
import { type DeckSettings, type Ladder, type LadderId, type LadderStep, ladderFor } from "./ladders.js";

/** A file the failed attempt left, to be copied into the next attempt's folder under the same
 * name; the job script's staging then gives it to CRYSTAL under `stagedAs`. */
export interface RestartFile {
	/** In the failed attempt's folder, NAME substituted: NAME.f9, NAME.optinfo, NAME.hessopt. */
	file: string;
	stagedAs: "fort.20" | "OPTINFO.DAT" | "HESSOPT.DAT";
	fromAttempt: number;
}

/** One attempt after the first, as it is kept and shown (the first is the deck as written). */
export interface AttemptRecord {
	/** 2 for the first retry. */
	attempt: number;
	ladder: LadderId;
	step: string;
	/** `attempt 2: FMIXING 30 -> 60, GUESSP from attempt 1` */
	summary: string;
	/** Why, in sentences a chemist would write in a notebook. */
	reason: string;
	/** Unified diff of the deck from the failed attempt's to this one's. */
	diff: string;
	/** Caveats to weigh (a denser SHRINK may be needed). */
	notes: string[];
}

export interface PlannedAttempt extends AttemptRecord {
	gaveUp: false;
	edits: DeckEdit[];
	changes: DeckChange[];
	deckText: string;
	restartFiles: RestartFile[];
	/** The record to keep, and to pass back in `previous` after this attempt fails too. */
	record: AttemptRecord;
}

export interface GaveUp {
	gaveUp: true;
	/** Why no further attempt is made, with what to do by hand. */
	why: string;
	/** The summaries of the attempts made after the first. */
	tried: string[];
}

export type NextAttempt = PlannedAttempt | GaveUp;

export interface RecoveryOptions {
	/** Attempts in all, the first (the deck as written) included. Default 3. */
	maxAttempts?: number;
	/** The deck's base name, for file names and messages. Default "NAME". */
	name?: string;
}

export const defaultMaxAttempts = 3;

/**
 * `facts` describe the attempt that just failed (attempt `previous.length + 1`), whose deck is
 * `deckText`; `previous` holds the records of the attempts after the first, oldest first.
 */
export function nextAttempt(
	facts: FailureFacts,
	previous: readonly AttemptRecord[],
	deckText: string,
	options: RecoveryOptions = {},
): NextAttempt {
	const name = options.name ?? "NAME";
	const maxAttempts = options.maxAttempts ?? defaultMaxAttempts;
	const failed = previous.length + 1;
	const tried = previous.map((record) => record.summary);
	const giveUp = (why: string): GaveUp => ({ gaveUp: true, why: why.replace(/\bNAME(?=\.)/g, name), tried });
	const verdict = ladderFor(facts);
	if ("nothingToDo" in verdict) return giveUp(verdict.nothingToDo);
	if ("stop" in verdict) return giveUp(`attempt ${failed} failed and ${verdict.stop}`);
	const { ladder } = verdict;
	if (failed >= maxAttempts)
		return giveUp(
			`gave up after ${failed} attempts (max_attempts ${maxAttempts}): ${ladder.failure} persists${triedText(tried)}.`,
		);
	let settings: DeckSettings;
	try {
		settings = readSettings(deckText);
	} catch (error) {
		if (error instanceof DeckLayoutError)
			return giveUp(`the deck of attempt ${failed} cannot be edited: ${error.message}`);
		throw error;
	}
	const taken = new Set(previous.filter((r) => r.ladder === ladder.id).map((r) => r.step));
	for (const step of ladder.steps) {
		if (taken.has(step.id) && !step.repeatable) continue;
		if (step.when && !step.when(facts, settings)) continue;
		const stepEdits = step.edits(settings);
		if (stepEdits.length === 0 && !step.repeatable) continue;
		const restart = restartPlan(ladder, facts, settings, failed, name);
		if ("impossible" in restart) return giveUp(restart.impossible);
		const edits = [...stepEdits, ...restart.edits];
		let edited: ReturnType<typeof editDeck>;
		try {
			edited = editDeck(deckText, edits);
		} catch (error) {
			if (error instanceof DeckLayoutError)
				return giveUp(`the deck of attempt ${failed} cannot be edited: ${error.message}`);
			throw error;
		}
		if (edited.changes.length === 0 && restart.files.length === 0) continue;
		return planned(ladder, step, failed, name, deckText, edits, edited, restart);
	}
	return giveUp(`gave up: every step against ${ladder.failure} has been tried${triedText(tried)}.`);
}

function triedText(tried: readonly string[]): string {
	return tried.length === 0 ? "" : `; tried: ${tried.join("; ")}`;
}

function readSettings(deckText: string): DeckSettings {
	const number = (value: string[] | null) => {
		const parsed = Number.parseFloat(value?.[0] ?? "");
		return Number.isFinite(parsed) ? parsed : null;
	};
	const present = (keyword: string) => keywordValue(deckText, keyword) !== null;
	const kind = readDeck(deckText).kind;
	return {
		kind,
		fmixing: number(keywordValue(deckText, "FMIXING")),
		maxCycle: number(keywordValue(deckText, "MAXCYCLE")),
		optMaxCycle: kind === "optgeom" ? number(keywordValue(deckText, "MAXCYCLE", "optgeom")) : null,
		levshift: present("LEVSHIFT"),
		mixer: present("BROYDEN") ? "BROYDEN" : present("ANDERSON") ? "ANDERSON" : null,
		smear: present("SMEAR"),
		guessp: present("GUESSP"),
	};
}

interface RestartPlan {
	edits: DeckEdit[];
	files: RestartFile[];
	/** Sentences for the reason. */
	why: string[];
}

/** What the next attempt takes from the failed one, and the GUESSP/RESTART edits that read it. */
function restartPlan(
	ladder: Ladder,
	facts: FailureFacts,
	deck: DeckSettings,
	failed: number,
	name: string,
): RestartPlan | { impossible: string } {
	const plan: RestartPlan = { edits: [], files: [], why: [] };
	const optimisation = deck.kind === "optgeom";
	if (optimisation && facts.left.optinfo) {
		plan.edits.push({ action: "set", keyword: "RESTART", block: "optgeom" });
		plan.files.push({ file: `${name}.optinfo`, stagedAs: "OPTINFO.DAT", fromAttempt: failed });
		if (facts.left.hessopt)
			plan.files.push({ file: `${name}.hessopt`, stagedAs: "HESSOPT.DAT", fromAttempt: failed });
		const point = facts.optPointsDone === null ? "its last point" : `point ${facts.optPointsDone}`;
		const redo =
			facts.stoppedDuringScf && facts.optPoint !== null && facts.optPoint !== facts.optPointsDone
				? `; point ${facts.optPoint}, whose SCF was cut short, is computed again from its geometry`
				: "";
		plan.why.push(`The optimisation continues from ${point} of attempt ${failed} (OPTGEOM RESTART)${redo}.`);
	} else if (optimisation && ladder.id === "time-limit") {
		return {
			impossible: `attempt ${failed} was stopped at its time limit before the optimisation wrote OPTINFO.DAT (during its first point), so there is nothing to continue from: running it again would stop at the same place. Give it a longer time limit (or more ranks) and run it again.`,
		};
	} else if (optimisation && ladder.id === "optimisation") {
		return {
			impossible: `attempt ${failed} left no OPTINFO.DAT (NAME.optinfo), so the optimisation cannot continue from its last point. Raise MAXCYCLE in the OPTGEOM block and run it again, from the last geometry if NAME.gui holds it (EXTERNAL).`,
		};
	}
	if (facts.left.waveFunction && !facts.stoppedDuringScf) {
		plan.edits.push({ action: "set", keyword: "GUESSP" });
		plan.files.push({ file: `${name}.f9`, stagedAs: "fort.20", fromAttempt: failed });
		plan.why.push(
			`The SCF starts from the wave function attempt ${failed} ended with (GUESSP, its NAME.f9 as fort.20).`,
		);
	} else {
		if (deck.guessp) plan.edits.push({ action: "remove", keyword: "GUESSP" });
		if (facts.stoppedDuringScf && facts.left.waveFunction)
			plan.why.push(
				`No GUESSP: attempt ${failed} was stopped in the middle of an SCF, so the fort.9 it left belongs to an earlier geometry, not to the point being computed.`,
			);
		if (!optimisation && ladder.id === "time-limit")
			return {
				impossible: `attempt ${failed} was stopped at its time limit before its SCF ended and left no wave function to start from: running it again would stop at the same place. Give it a longer time limit (or more ranks) and run it again.`,
			};
	}
	return plan;
}

function planned(
	ladder: Ladder,
	step: LadderStep,
	failed: number,
	name: string,
	deckText: string,
	edits: DeckEdit[],
	edited: ReturnType<typeof editDeck>,
	restart: RestartPlan,
): PlannedAttempt {
	const attempt = failed + 1;
	const spoken = edited.changes.filter(
		(c) => !(c.after !== null && (c.keyword === "GUESSP" || c.keyword === "RESTART")),
	);
	const parts = spoken.map(describeChange);
	const from = restart.files.map((f) => f.stagedAs);
	if (from.includes("OPTINFO.DAT"))
		parts.push(
			`RESTART from attempt ${failed}'s OPTINFO.DAT${from.includes("HESSOPT.DAT") ? " and HESSOPT.DAT" : ""}`,
		);
	if (from.includes("fort.20")) parts.push(`GUESSP from attempt ${failed}`);
	const summary = `attempt ${attempt}: ${parts.length > 0 ? parts.join(", ") : "run again as it was"}`;
	const reason = [`${capitalise(step.why)}.`, ...restart.why].join(" ").replace(/\bNAME(?=\.)/g, name);
	const diff =
		edited.text === deckText
			? ""
			: createTwoFilesPatch(
					`attempt-${failed}/${name}.d12`,
					`attempt-${attempt}/${name}.d12`,
					deckText,
					edited.text,
					undefined,
					undefined,
					{ context: 3 },
				);
	const record: AttemptRecord = {
		attempt,
		ladder: ladder.id,
		step: step.id,
		summary,
		reason,
		diff,
		notes: step.note ? [step.note] : [],
	};
	return {
		gaveUp: false,
		...record,
		edits,
		changes: edited.changes,
		deckText: edited.text,
		restartFiles: restart.files,
		record,
	};
}

const capitalise = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
