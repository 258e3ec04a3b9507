/**
 * What the cockpit shows besides the jobs themselves (focus, zoom, scroll positions, search,
 * overlays, a pending confirmation) and how each key changes it. A pure function of the state
 * and one key, so a read of several keys is just several steps, and it is tested without React.
 */

import type { QueueJob } from "../jobs/controller.js";
import { activeStates } from "../runner/runner.js";
import { type Action, actionFor, type Mode } from "./keymap.js";
import type { JobView } from "./store.js";

export interface Scroll {
	follow: boolean;
	/** Line number just below the last line shown (the log's line count while following). */
	bottom: number;
	/** The log's line count when follow was paused: lines beyond it are new. */
	since: number;
}

export interface SearchState {
	/** The query line is open for typing. */
	editing: boolean;
	query: string;
	/** Line number of the current match, if any. */
	match: number | null;
}

export interface UiState {
	focus: number;
	page: number;
	zoomed: boolean;
	overlay: "none" | "help" | "result" | "queue" | "everywhere";
	overlayScroll: number;
	/** Row of the SLURM queue view the cursor is on. */
	queueCursor: number;
	search: SearchState;
	confirm: { kind: ConfirmKind; jobId: string } | null;
	scroll: Readonly<Record<string, Scroll>>;
}

/** What a confirmation is about: a stop or kill, a recovery change, a restart after an edit. */
export type ConfirmKind = "stop" | "kill" | "apply" | "accept" | "restart";

export type Effect =
	| { kind: "start" | "stop" | "kill" | "restart" | "apply" | "accept" | "edit"; jobId: string }
	| { kind: "adopt"; cluster: string; slurmJobId: string; name: string }
	| { kind: "say"; text: string }
	| { kind: "queueOp"; op: "up" | "down" | "hold" | "release" | "pause" | "resume"; jobId: string }
	/** Search the job's whole log on disk (the zoomed view, when the ring holds only its end);
	 * the line found comes back through `showMatch`. */
	| { kind: "searchLog"; jobId: string; query: string; from: number | null; direction: "older" | "newer" }
	| { kind: "quit" };

/** What the reducer needs to know of the screen. */
export interface UiContext {
	jobs: readonly JobView[];
	columns: number;
	perPage: number;
	/** Output rows of the focused job's view (its pane, or the zoomed view). */
	viewRows: number;
	/** Lines of the open overlay and the rows it has. */
	overlayLines: number;
	overlayRows: number;
	/** The rows of the SLURM queue view, in the order shown. */
	queue?: readonly QueueJob[];
}

export const initialUiState: UiState = {
	focus: 0,
	page: 0,
	zoomed: false,
	overlay: "none",
	overlayScroll: 0,
	queueCursor: 0,
	search: { editing: false, query: "", match: null },
	confirm: null,
	scroll: {},
};

export function modeOf(state: UiState): Mode {
	if (state.confirm) return "confirm";
	if (state.search.editing) return "search";
	if (state.overlay === "help" || state.overlay === "everywhere") return "help";
	if (state.overlay === "result") return "result";
	if (state.overlay === "queue") return "queue";
	return state.zoomed ? "zoom" : "grid";
}

export function scrollOf(state: UiState, job: JobView): Scroll {
	return scrollFrom(state.scroll[job.id], job);
}

/** A pane's scroll as shown: it follows unless it was paused, and never shows past the end. */
export function scrollFrom(scroll: Scroll | undefined, job: JobView): Scroll {
	if (!scroll || scroll.follow) return { follow: true, bottom: job.total, since: job.total };
	return {
		follow: false,
		bottom: Math.min(scroll.bottom, job.total),
		since: Math.min(scroll.since, job.total),
	};
}

/** vim's smartcase: a query with a capital letter is matched exactly, otherwise not. */
export function matcher(query: string): (line: string) => boolean {
	if (query === "") return () => false;
	if (query !== query.toLowerCase()) return (line) => line.includes(query);
	return (line) => line.toLowerCase().includes(query);
}

interface Step {
	state: UiState;
	effects: Effect[];
}

export function reduceKeys(state: UiState, names: readonly string[], context: UiContext): Step {
	let step: Step = { state, effects: [] };
	for (const name of names) {
		const next = reduceKey(step.state, name, context);
		step = { state: next.state, effects: [...step.effects, ...next.effects] };
		if (next.effects.some((e) => e.kind === "quit")) break;
	}
	return step;
}

export function reduceKey(state: UiState, name: string, context: UiContext): Step {
	const mode = modeOf(state);
	if (mode === "search") return editSearch(state, name, context);
	const action = actionFor(name, mode);
	if (!action) return { state, effects: [] };
	return apply(state, action, context);
}

function editSearch(state: UiState, name: string, context: UiContext): Step {
	const search = state.search;
	const none = (next: UiState): Step => ({ state: next, effects: [] });
	if (name === "escape")
		return none({ ...state, search: { ...search, editing: false, query: "", match: null } });
	if (name === "return") {
		const done = { ...state, search: { ...search, editing: false } };
		return jumpToMatch(done, context, "latest");
	}
	if (name === "backspace")
		return none({ ...state, search: { ...search, query: search.query.slice(0, -1) } });
	const char = name === "space" ? " " : name;
	if ([...char].length !== 1) return none(state);
	return none({ ...state, search: { ...search, query: search.query + char } });
}

function focused(state: UiState, context: UiContext): JobView | undefined {
	return context.jobs[state.focus];
}

function setFocus(state: UiState, focus: number, context: UiContext): UiState {
	const count = context.jobs.length;
	if (count === 0) return state;
	const index = ((focus % count) + count) % count;
	return {
		...state,
		focus: index,
		page: Math.floor(index / Math.max(1, context.perPage)),
		search: { ...state.search, match: null },
	};
}

function moveInGrid(state: UiState, dx: number, dy: number, context: UiContext): UiState {
	const perPage = Math.max(1, context.perPage);
	const pageStart = state.page * perPage;
	const onPage = Math.min(perPage, context.jobs.length - pageStart);
	const local = state.focus - pageStart;
	const columns = Math.max(1, context.columns);
	const column = local % columns;
	if (dx !== 0) {
		const target = column + dx;
		if (target < 0 || target >= columns || local + dx >= onPage) return state;
		return setFocus(state, state.focus + dx, context);
	}
	const target = local + dy * columns;
	if (target < 0 || target >= onPage) return state;
	return setFocus(state, pageStart + target, context);
}

function scrollBy(state: UiState, job: JobView, delta: number, context: UiContext): UiState {
	const current = scrollOf(state, job);
	// The panes hold the ring of recent lines; the zoomed view reaches the whole log on disk.
	const oldest = state.zoomed ? 0 : job.lines.first;
	// While paused the last row carries the notice, so a view shows one line fewer.
	const lowest = Math.min(job.total, oldest + Math.max(1, context.viewRows - 1));
	const bottom = Math.max(lowest, Math.min(job.total, current.bottom + delta));
	const follow = delta > 0 && bottom >= job.total;
	const since = current.follow ? job.total : current.since;
	return { ...state, scroll: { ...state.scroll, [job.id]: { follow, bottom, since } } };
}

function jumpToMatch(state: UiState, context: UiContext, direction: "latest" | "older" | "newer"): Step {
	const job = focused(state, context);
	if (!job || state.search.query === "") return { state, effects: [] };
	const from = direction === "latest" || state.search.match === null ? null : state.search.match;
	// The zoomed view reaches the whole log: when the ring holds only its end, search the log.
	if (state.zoomed && job.lines.first > 0) {
		const query = state.search.query;
		return {
			state,
			effects: [
				{
					kind: "searchLog",
					jobId: job.id,
					query,
					from,
					direction: direction === "newer" ? "newer" : "older",
				},
			],
		};
	}
	const matches = matcher(state.search.query);
	const first = job.lines.first;
	const last = job.total - 1;
	const step = direction === "newer" ? 1 : -1;
	let found: number | null = null;
	const span = last - first + 1;
	let n = from === null ? last : from + step;
	for (let i = 0; i < span; i++) {
		// Wrap around the ends like vim's wrapscan.
		if (n > last) n = first;
		if (n < first) n = last;
		if (matches(job.lines.get(n) ?? "")) {
			found = n;
			break;
		}
		n += step;
	}
	return { state: showMatch(state, job.id, state.search.query, found, context), effects: [] };
}

/** Puts line `found` of the job (a match of `query`) in the middle of its view, or says there
 * is none; a search the user has since changed or left is not disturbed. */
export function showMatch(
	state: UiState,
	jobId: string,
	query: string,
	found: number | null,
	context: UiContext,
): UiState {
	const job = context.jobs.find((j) => j.id === jobId);
	if (!job || state.search.query !== query || state.search.editing) return state;
	if (found === null) {
		return { ...state, search: { ...state.search, match: null } };
	}
	// Centre the match, and keep it in view even if new lines arrive (they are counted below).
	const bottom = Math.min(job.total, found + 1 + Math.floor((context.viewRows - 1) / 2));
	const current = scrollOf(state, job);
	const follow = current.follow && bottom >= job.total;
	const since = current.follow ? job.total : current.since;
	return {
		...state,
		search: { ...state.search, match: found },
		scroll: { ...state.scroll, [job.id]: { follow, bottom, since } },
	};
}

function apply(state: UiState, action: Action, context: UiContext): Step {
	const job = focused(state, context);
	const none = (next: UiState): Step => ({ state: next, effects: [] });
	const page = Math.max(1, context.viewRows - 1);
	switch (action) {
		case "focusNext":
			return none(setFocus(state, state.focus + 1, context));
		case "focusPrevious":
			return none(setFocus(state, state.focus - 1, context));
		case "focusLeft":
			return none(moveInGrid(state, -1, 0, context));
		case "focusRight":
			return none(moveInGrid(state, 1, 0, context));
		case "focusUp":
			return none(moveInGrid(state, 0, -1, context));
		case "focusDown":
			return none(moveInGrid(state, 0, 1, context));
		case "nextPage":
		case "previousPage": {
			const pages = Math.ceil(context.jobs.length / Math.max(1, context.perPage));
			const target = state.page + (action === "nextPage" ? 1 : -1);
			if (target < 0 || target >= pages) return none(state);
			return none(setFocus(state, target * context.perPage, context));
		}
		case "zoom":
			return none({ ...state, zoomed: !state.zoomed });
		case "back":
			if (state.overlay !== "none") return none({ ...state, overlay: "none", overlayScroll: 0 });
			return none({ ...state, zoomed: false });
		case "help":
			return none({ ...state, overlay: "help", overlayScroll: 0 });
		case "result":
			return none(job ? { ...state, overlay: "result", overlayScroll: 0 } : state);
		case "search":
			return none({ ...state, search: { editing: true, query: "", match: null } });
		case "searchNext":
			return jumpToMatch(state, context, "newer");
		case "searchPrevious":
			return jumpToMatch(state, context, "older");
		case "quit":
			return { state, effects: [{ kind: "quit" }] };
		case "start":
		case "restart":
			if (!job) return none(state);
			if (action === "start" && activeStates.has(job.state as never)) {
				return { state, effects: [{ kind: "say", text: `${job.name} is already ${job.state}` }] };
			}
			return { state, effects: [{ kind: action, jobId: job.id }] };
		case "stop":
		case "kill":
			if (!job) return none(state);
			if (!activeStates.has(job.state as never)) {
				return { state, effects: [{ kind: "say", text: `${job.name} is not running` }] };
			}
			return none({ ...state, confirm: { kind: action, jobId: job.id } });
		case "confirmYes": {
			const confirm = state.confirm;
			if (!confirm) return none(state);
			return { state: { ...state, confirm: null }, effects: [{ kind: confirm.kind, jobId: confirm.jobId }] };
		}
		case "confirmNo":
			return none({ ...state, confirm: null });
		case "edit":
			return job ? { state, effects: [{ kind: "edit", jobId: job.id }] } : none(state);
		case "applyFix":
			if (!job) return none(state);
			if (!job.recovery?.proposal) {
				const text = `no change proposed for ${job.name} (with recover = ask, a failed run gets one)`;
				return { state, effects: [{ kind: "say", text }] };
			}
			return none({ ...state, confirm: { kind: "apply", jobId: job.id } });
		case "acceptFix":
			if (!job) return none(state);
			if (!job.recovery?.attempts.some((a) => a.attempt > 1 && a.outcome === "finished")) {
				return { state, effects: [{ kind: "say", text: `no attempt of ${job.name} has healed it` }] };
			}
			return none({ ...state, confirm: { kind: "accept", jobId: job.id } });
		case "queue":
			return none({ ...state, overlay: "queue", queueCursor: 0 });
		case "everywhere":
			return none({ ...state, overlay: "everywhere", overlayScroll: 0 });
		case "earlier":
		case "later":
		case "hold": {
			if (!job) return none(state);
			if (job.state !== "queued") {
				return { state, effects: [{ kind: "say", text: `${job.name} is not queued` }] };
			}
			const op =
				action === "earlier"
					? "up"
					: action === "later"
						? "down"
						: job.detail === "held"
							? "release"
							: "hold";
			return { state, effects: [{ kind: "queueOp", op, jobId: job.id }] };
		}
		case "pauseQueue":
			return { state, effects: [{ kind: "queueOp", op: "pause", jobId: "" }] };
		case "queueDown":
		case "queueUp": {
			const last = Math.max(0, (context.queue?.length ?? 0) - 1);
			const next = state.queueCursor + (action === "queueDown" ? 1 : -1);
			return none({ ...state, queueCursor: Math.max(0, Math.min(last, next)) });
		}
		case "adopt": {
			const row = context.queue?.[Math.min(state.queueCursor, (context.queue?.length ?? 1) - 1)];
			if (!row) return none(state);
			if (row.followedAs) {
				return {
					state,
					effects: [{ kind: "say", text: `${row.name} is already a pane (${row.followedAs})` }],
				};
			}
			const { cluster, slurmJobId, name } = row;
			return { state, effects: [{ kind: "adopt", cluster, slurmJobId, name }] };
		}
		case "lineUp":
		case "lineDown":
		case "pageUp":
		case "pageDown":
		case "top":
		case "follow": {
			if (state.overlay !== "none") return none(scrollOverlay(state, action, context));
			if (!job) return none(state);
			if (action === "follow") {
				const scroll = { follow: true, bottom: job.total, since: job.total };
				return none({ ...state, scroll: { ...state.scroll, [job.id]: scroll } });
			}
			const delta = {
				lineUp: -1,
				lineDown: 1,
				pageUp: -page,
				pageDown: page,
				top: Number.NEGATIVE_INFINITY,
			}[action];
			return none(scrollBy(state, job, delta, context));
		}
	}
}

function scrollOverlay(state: UiState, action: Action, context: UiContext): UiState {
	const max = Math.max(0, context.overlayLines - context.overlayRows);
	const page = Math.max(1, context.overlayRows - 1);
	const delta: Partial<Record<Action, number>> = {
		lineUp: -1,
		lineDown: 1,
		pageUp: -page,
		pageDown: page,
		top: Number.NEGATIVE_INFINITY,
		follow: Number.POSITIVE_INFINITY,
	};
	const next = Math.max(0, Math.min(max, state.overlayScroll + (delta[action] ?? 0)));
	return { ...state, overlayScroll: next };
}
