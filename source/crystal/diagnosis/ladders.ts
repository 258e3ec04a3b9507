/**
 * The recovery ladders: for each kind of failure, the edits a careful computational chemist
 * tries one after the other, each on top of the previous, with the reason written down. Which
 * failure climbs which ladder is decided here too (`ladderFor`), from the catalogue entry's
 * `recovery` field and, for an SCF, from its trend and whether the system is a metal.
 *
 * Each step looks at the deck as it is now and gives the edits that take it one rung up; a step
 * with nothing left to change (FMIXING already at 90, LEVSHIFT already there) is passed over.
 */
import type { DeckEdit, EditBlock } from "../deck/edit.js";
import { keywordRules } from "../deck/keywords.js";
import type { DeckKind } from "../deck/read.js";
import { catalogue, type Recovery } from "./catalogue.js";
import type { FailureFacts } from "./facts.js";

/** The keywords of the deck a ladder step reads, as the editor found them. */
export interface DeckSettings {
	kind: DeckKind;
	fmixing: number | null;
	maxCycle: number | null;
	optMaxCycle: number | null;
	levshift: boolean;
	mixer: "BROYDEN" | "ANDERSON" | null;
	smear: boolean;
	guessp: boolean;
}

export interface LadderStep {
	id: string;
	/** Why this step, in a sentence for the attempt record. */
	why: string;
	/** Only for failures and decks where it makes sense (LEVSHIFT only for insulators). */
	when?: (facts: FailureFacts, deck: DeckSettings) => boolean;
	/** The edits from the deck as it is; [] when this rung has nothing left to change. */
	edits: (deck: DeckSettings) => DeckEdit[];
	/** Taken again at each failure of its kind (each time-limit resubmission gets further). */
	repeatable?: boolean;
	/** Said with the attempt, for the user to weigh (a denser SHRINK may be needed). */
	note?: string;
}

export interface Ladder {
	id: LadderId;
	/** The failure, in a few words, for "gave up" messages. */
	failure: string;
	steps: readonly LadderStep[];
}

export type LadderId = "scf-more-cycles" | "scf-damping" | "scf-metal" | "optimisation" | "time-limit";

/** CRYSTAL's defaults where the deck says nothing. */
const defaultOf = (keyword: string, block: EditBlock) =>
	Number(keywordRules[keyword]?.defaults?.[block]?.[0]);
const defaultMaxCycle = defaultOf("MAXCYCLE", "scf");
const defaultOptMaxCycle = defaultOf("MAXCYCLE", "optgeom");
const defaultFmixing = defaultOf("FMIXING", "scf");

const set = (keyword: string, ...value: string[]): DeckEdit => ({ action: "set", keyword, value });

/** FMIXING one rung up: 60, then 80, then 90 (percent of the previous Fock matrix kept). */
const fmixingUp: LadderStep = {
	id: "fmixing",
	why: "the energy swings from cycle to cycle: mixing in more of the previous Fock matrix damps the swings",
	edits: (deck) => {
		const next = [60, 80, 90].find((value) => value > (deck.fmixing ?? defaultFmixing));
		return next === undefined ? [] : [set("FMIXING", String(next))];
	},
};

const levshift: LadderStep = {
	id: "levshift",
	why: "an insulator whose SCF still swings: shifting the virtual levels up (LEVSHIFT 5 1, 0.5 Hartree, locked) keeps occupied and virtual states from trading places",
	when: (facts) => !facts.metallic,
	edits: (deck) => (deck.levshift ? [] : [set("LEVSHIFT", "5 1")]),
};

const switchMixer: LadderStep = {
	id: "mixer",
	why: "damping alone did not settle it: a quasi-Newton mixer extrapolates from the history of the density instead",
	edits: (deck) =>
		deck.mixer === "BROYDEN"
			? [set("ANDERSON")]
			: deck.mixer === "ANDERSON"
				? []
				: [set("BROYDEN", "0.0001 50 2")],
};

const smear: LadderStep = {
	id: "smear",
	why: "a metal or a small-gap system: occupations that jump across the Fermi level make the SCF swing; a Fermi smearing of 0.005 Hartree makes them smooth",
	edits: (deck) => (deck.smear ? [] : [set("SMEAR", "0.005")]),
	note: "a metal usually needs a denser k-point net too: check that the energy no longer changes with a larger SHRINK",
};

const moreCycles: LadderStep = {
	id: "maxcycle",
	why: "the SCF was converging and ran out of cycles: more cycles, starting from where it stopped",
	edits: (deck) => [set("MAXCYCLE", String(Math.max(2 * (deck.maxCycle ?? defaultMaxCycle), 100)))],
};

const accelerate: LadderStep = {
	...switchMixer,
	id: "accelerate",
	why: "the SCF converges too slowly even with more cycles: a quasi-Newton mixer reaches the answer in fewer",
};

const optimisationRestart: LadderStep = {
	id: "opt-restart",
	why: "the optimisation ran out of steps before its tests were met: it continues from its last point (OPTINFO.DAT, HESSOPT.DAT) with more steps allowed",
	repeatable: true,
	edits: (deck) => [
		{ action: "set", keyword: "RESTART", block: "optgeom" },
		{
			action: "set",
			keyword: "MAXCYCLE",
			block: "optgeom",
			value: [String(2 * (deck.optMaxCycle ?? defaultOptMaxCycle))],
		},
	],
};

const resubmit: LadderStep = {
	id: "resubmit",
	why: "the run reached its time limit: it is submitted again and carries on from the files it left rather than from the start",
	repeatable: true,
	edits: (deck) => (deck.kind === "optgeom" ? [{ action: "set", keyword: "RESTART", block: "optgeom" }] : []),
};

export const ladders: Readonly<Record<LadderId, Ladder>> = {
	"scf-more-cycles": {
		id: "scf-more-cycles",
		failure: "an SCF converging too slowly",
		steps: [moreCycles, accelerate],
	},
	"scf-damping": {
		id: "scf-damping",
		failure: "an SCF that does not settle",
		steps: [fmixingUp, levshift, switchMixer],
	},
	"scf-metal": {
		id: "scf-metal",
		failure: "the SCF of a metal or small-gap system",
		steps: [smear, fmixingUp, switchMixer],
	},
	optimisation: {
		id: "optimisation",
		failure: "a geometry optimisation that did not converge",
		steps: [optimisationRestart],
	},
	"time-limit": {
		id: "time-limit",
		failure: "a run stopped at its time limit",
		steps: [resubmit],
	},
};

/** The failure the facts show, and what answers it: a ladder, a stop with its reason, or
 * nothing (the run did not fail). Stops come first: no edit makes a wrong input right. */
export type Verdict =
	| { ladder: Ladder }
	| { stop: string; diagnosisId: string | null }
	| { nothingToDo: string };

export function ladderFor(facts: FailureFacts): Verdict {
	const entries = facts.diagnosisIds.map((id) => ({ id, recovery: recoveryOf(id) }));
	// A job the scheduler cancelled at its time limit is a time-limit case, not a user's cancel.
	const stop = entries.find((e) => e.recovery === "stop" && !(facts.timeLimit && e.id === "job-cancelled"));
	const entry = stop ? catalogue.find((c) => c.id === stop.id) : undefined;
	if (stop && entry) {
		const cause = typeof entry.cause === "string" ? entry.cause : "CRYSTAL stopped with an error.";
		const fix = typeof entry.fix === "string" ? entry.fix : "Correct NAME.d12 and run again.";
		return { stop: `no edit of the deck fixes this. ${cause} ${fix}`, diagnosisId: stop.id };
	}
	if (facts.timeLimit || entries.some((e) => e.recovery === "time-limit"))
		return { ladder: ladders["time-limit"] };
	if (facts.optConverged === false || entries.some((e) => e.recovery === "optimisation"))
		return { ladder: ladders.optimisation };
	if (facts.scfConverged === false || entries.some((e) => e.recovery === "scf")) {
		// A converging SCF only needs cycles, metal or not; a swinging one needs the metal's
		// cure (smearing) or the insulator's (damping, level shift).
		if (facts.trend === "converging" || facts.trend === "slow") return { ladder: ladders["scf-more-cycles"] };
		if (facts.metallic) return { ladder: ladders["scf-metal"] };
		return { ladder: ladders["scf-damping"] };
	}
	if (!facts.terminatedNormally)
		return {
			stop: "the run stopped without a reason a deck edit answers (no time limit, no SCF or optimisation failure): look at the end of NAME.out and the scheduler's log",
			diagnosisId: facts.diagnosisIds[0] ?? null,
		};
	return { nothingToDo: "the run ended normally: there is nothing to recover" };
}

function recoveryOf(id: string): Recovery | null {
	return catalogue.find((entry) => entry.id === id)?.recovery ?? null;
}
