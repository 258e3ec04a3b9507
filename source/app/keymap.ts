/**
 * Every key of the cockpit, as data: the help overlay and the footer are drawn from this table
 * and the input handler looks actions up in it, so the three never disagree.
 */
import type { Key } from "ink";

/** Where the keyboard is: what a key means depends on it. */
export type Mode = "grid" | "zoom" | "result" | "help" | "search" | "confirm" | "queue";

export type Action =
	| "focusNext"
	| "focusPrevious"
	| "focusLeft"
	| "focusRight"
	| "focusUp"
	| "focusDown"
	| "nextPage"
	| "previousPage"
	| "start"
	| "stop"
	| "kill"
	| "restart"
	| "zoom"
	| "result"
	| "search"
	| "searchNext"
	| "searchPrevious"
	| "lineUp"
	| "lineDown"
	| "pageUp"
	| "pageDown"
	| "top"
	| "follow"
	| "help"
	| "back"
	| "quit"
	| "confirmYes"
	| "confirmNo"
	| "queue"
	| "earlier"
	| "later"
	| "hold"
	| "pauseQueue"
	| "everywhere"
	| "queueDown"
	| "queueUp"
	| "adopt"
	| "applyFix"
	| "acceptFix"
	| "edit";

export interface Binding {
	action: Action;
	/** Key names as produced by `keyNames` (single characters, or "tab", "shift+tab", ...). */
	keys: readonly string[];
	/** How the key is written in the footer and help. */
	label: string;
	description: string;
	/** A word or two for the footer. */
	short?: string;
	modes: readonly Mode[];
	/** Shown in the footer of these modes (the help lists every binding). */
	footer?: boolean;
}

const panes: Mode[] = ["grid", "zoom"];
const scrollable: Mode[] = ["grid", "zoom", "result", "help"];

export const keymap: readonly Binding[] = [
	{
		action: "focusNext",
		short: "next",
		keys: ["tab"],
		label: "Tab",
		description: "next job",
		modes: panes,
		footer: true,
	},
	{ action: "focusPrevious", keys: ["shift+tab"], label: "S-Tab", description: "previous job", modes: panes },
	{
		action: "focusLeft",
		keys: ["left", "h"],
		label: "h/←",
		description: "focus the pane to the left",
		modes: ["grid"],
	},
	{
		action: "focusDown",
		keys: ["down", "j"],
		label: "j/↓",
		description: "focus the pane below",
		modes: ["grid"],
	},
	{
		action: "focusUp",
		keys: ["up", "k"],
		label: "k/↑",
		description: "focus the pane above",
		modes: ["grid"],
	},
	{
		action: "focusRight",
		keys: ["right", "l"],
		label: "l/→",
		description: "focus the pane to the right",
		modes: ["grid"],
	},
	{ action: "nextPage", keys: ["]"], label: "]", description: "next page of jobs", modes: ["grid"] },
	{ action: "previousPage", keys: ["["], label: "[", description: "previous page of jobs", modes: ["grid"] },
	{
		action: "start",
		short: "start",
		keys: ["s"],
		label: "s",
		description: "start the job",
		modes: panes,
		footer: true,
	},
	{
		action: "stop",
		short: "stop",
		keys: ["x"],
		label: "x",
		description: "stop the job (asks first)",
		modes: panes,
		footer: true,
	},
	{ action: "kill", keys: ["X"], label: "X", description: "force-kill the job (asks first)", modes: panes },
	{
		action: "restart",
		short: "restart",
		keys: ["r"],
		label: "r",
		description: "restart the job",
		modes: panes,
		footer: true,
	},
	{
		action: "edit",
		short: "edit",
		keys: ["e"],
		label: "e",
		description: "edit the deck in $VISUAL or $EDITOR (offers a restart when it changed)",
		modes: [...panes, "result"],
	},
	{
		action: "applyFix",
		keys: ["a"],
		label: "a",
		description: "apply the change recovery proposes for a failed job and run it (asks first)",
		modes: [...panes, "result"],
	},
	{
		action: "acceptFix",
		keys: ["A"],
		label: "A",
		description: "write the edit that healed the job into its deck, NAME.d12.bak kept (asks first)",
		modes: [...panes, "result"],
	},
	{
		action: "zoom",
		short: "zoom",
		keys: ["z"],
		label: "z",
		description: "zoom the pane to full screen and back",
		modes: panes,
		footer: true,
	},
	{
		action: "result",
		short: "result",
		keys: ["return"],
		label: "Enter",
		description: "result, history and diagnosis",
		modes: panes,
		footer: true,
	},
	{
		action: "search",
		short: "search",
		keys: ["/"],
		label: "/",
		description: "search the output (zoomed: the whole log)",
		modes: panes,
		footer: true,
	},
	{ action: "searchNext", keys: ["n"], label: "n", description: "next (newer) match", modes: panes },
	{ action: "searchPrevious", keys: ["N"], label: "N", description: "previous (older) match", modes: panes },
	{
		action: "lineUp",
		keys: ["ctrl+y", "k", "up"],
		label: "k/↑",
		description: "scroll up a line (grid: Ctrl-Y)",
		modes: ["zoom", "result", "help"],
	},
	{
		action: "lineDown",
		keys: ["ctrl+e", "j", "down"],
		label: "j/↓",
		description: "scroll down a line (grid: Ctrl-E)",
		modes: ["zoom", "result", "help"],
	},
	{ action: "lineUp", keys: ["ctrl+y"], label: "C-y", description: "scroll up a line", modes: ["grid"] },
	{ action: "lineDown", keys: ["ctrl+e"], label: "C-e", description: "scroll down a line", modes: ["grid"] },
	{
		action: "pageUp",
		short: "scroll",
		keys: ["pageup", "ctrl+u", "ctrl+b", "b"],
		label: "PgUp",
		description: "scroll up a page (also Ctrl-U, Ctrl-B, b)",
		modes: scrollable,
		footer: true,
	},
	{
		action: "pageDown",
		keys: ["pagedown", "ctrl+d", "ctrl+f", "space"],
		label: "PgDn",
		description: "scroll down a page (also Ctrl-D, Ctrl-F, Space)",
		modes: scrollable,
	},
	{ action: "top", keys: ["g", "home"], label: "g", description: "go to the oldest line", modes: scrollable },
	{
		action: "follow",
		short: "follow",
		keys: ["G", "end"],
		label: "G",
		description: "follow new output again",
		modes: scrollable,
		footer: true,
	},
	{
		action: "help",
		short: "help",
		keys: ["?"],
		label: "?",
		description: "this help",
		modes: ["grid", "zoom", "result"],
		footer: true,
	},
	{
		action: "earlier",
		keys: ["+"],
		label: "+",
		description: "move the queued job earlier in the queue",
		modes: panes,
	},
	{
		action: "later",
		keys: ["-"],
		label: "-",
		description: "move the queued job later in the queue",
		modes: panes,
	},
	{
		action: "hold",
		keys: ["H"],
		label: "H",
		description: "hold the queued job back, or release it",
		modes: panes,
	},
	{
		action: "pauseQueue",
		keys: ["P"],
		label: "P",
		description: "pause the queue (running jobs go on), or resume it",
		modes: panes,
	},
	{
		action: "everywhere",
		keys: ["W"],
		label: "W",
		description: "the jobs of every project the supervisor knows",
		modes: ["grid"],
	},
	{
		action: "queue",
		short: "queue",
		keys: ["Q"],
		label: "Q",
		description: "your SLURM jobs, to adopt one as a pane",
		modes: ["grid"],
		footer: true,
	},
	{
		action: "queueDown",
		short: "move",
		keys: ["j", "down"],
		label: "j/k",
		description: "next SLURM job",
		modes: ["queue"],
		footer: true,
	},
	{ action: "queueUp", keys: ["k", "up"], label: "k/↑", description: "previous SLURM job", modes: ["queue"] },
	{
		action: "adopt",
		short: "adopt as a pane",
		keys: ["a", "return"],
		label: "a/Enter",
		description: "adopt the SLURM job as a pane (follow its output)",
		modes: ["queue"],
		footer: true,
	},
	{
		action: "back",
		keys: ["escape", "q", "Q"],
		label: "Esc/q",
		description: "back to the grid",
		short: "close",
		modes: ["queue"],
		footer: true,
	},
	{
		action: "back",
		keys: ["escape", "q", "?"],
		label: "Esc/q",
		description: "close",
		short: "close",
		modes: ["help"],
		footer: true,
	},
	{
		action: "back",
		keys: ["escape", "q", "return"],
		label: "Esc/q",
		description: "close the result view",
		short: "close",
		modes: ["result"],
		footer: true,
	},
	{ action: "back", keys: ["escape"], label: "Esc", description: "back to the grid", modes: ["zoom"] },
	{
		action: "quit",
		short: "quit",
		keys: ["q", "ctrl+c"],
		label: "q",
		description: "quit (running jobs keep running)",
		modes: panes,
		footer: true,
	},
	{
		action: "confirmYes",
		short: "yes",
		keys: ["y", "Y"],
		label: "y",
		description: "yes",
		modes: ["confirm"],
		footer: true,
	},
	{
		action: "confirmNo",
		short: "no",
		keys: ["n", "N", "escape", "q"],
		label: "n/Esc",
		description: "no",
		modes: ["confirm"],
		footer: true,
	},
];

/**
 * The keys of one read from the terminal, in order. Fast typing and tmux can deliver several
 * characters in one read ("jjk"): each is a key of its own.
 */
export function keyNames(input: string, key: Key): string[] {
	let name: string | null = null;
	if (key.tab) name = key.shift ? "shift+tab" : "tab";
	else if (key.upArrow) name = "up";
	else if (key.downArrow) name = "down";
	else if (key.leftArrow) name = "left";
	else if (key.rightArrow) name = "right";
	else if (key.pageUp) name = "pageup";
	else if (key.pageDown) name = "pagedown";
	else if (key.home) name = "home";
	else if (key.end) name = "end";
	else if (key.return) name = "return";
	else if (key.escape) name = "escape";
	else if (key.backspace || key.delete) name = "backspace";
	if (name) return [name];
	if (key.ctrl && input.length === 1) return [`ctrl+${input.toLowerCase()}`];
	const names: string[] = [];
	for (const char of input) {
		if (char === "\r" || char === "\n") names.push("return");
		else if (char === "\t") names.push("tab");
		else if (char === " ") names.push("space");
		else if (char === "\x7f" || char === "\b") names.push("backspace");
		else if (char >= " ") names.push(char);
	}
	return names;
}

export function actionFor(name: string, mode: Mode): Action | null {
	for (const binding of keymap) {
		if (binding.modes.includes(mode) && binding.keys.includes(name)) return binding.action;
	}
	return null;
}

/** Bindings shown in the footer of a mode, one per action. */
export function footerBindings(mode: Mode): Binding[] {
	const seen = new Set<Action>();
	return keymap.filter((b) => {
		if (!b.footer || !b.modes.includes(mode) || seen.has(b.action)) return false;
		seen.add(b.action);
		return true;
	});
}
