/**
 * Colours and marks that carry a job's state. Every state has a mark as well as a colour, so
 * nothing is lost with NO_COLOR or on a monochrome terminal.
 */
import { createContext, useContext } from "react";
import type { ViewState } from "./store.js";

export const stateColors: Record<ViewState, string> = {
	idle: "gray",
	queued: "magenta",
	starting: "cyan",
	running: "cyan",
	stopping: "yellow",
	finished: "green",
	failed: "red",
	cancelled: "yellow",
	lost: "redBright",
};

export const stateMarks: Record<ViewState, string> = {
	idle: "○",
	queued: "…",
	starting: "◌",
	running: "●",
	stopping: "◍",
	finished: "✓",
	failed: "✗",
	cancelled: "⊘",
	lost: "?",
};

export const spinnerFrames = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

export interface Theme {
	noColor: boolean;
	/** A colour name for Ink, or undefined when colours are off. */
	color(name: string): string | undefined;
	stateColor(state: ViewState): string | undefined;
}

export function makeTheme(noColor: boolean): Theme {
	return {
		noColor,
		color: (name) => (noColor ? undefined : name),
		stateColor: (state) => (noColor ? undefined : stateColors[state]),
	};
}

export const ThemeContext = createContext<Theme>(makeTheme(false));

export function useTheme(): Theme {
	return useContext(ThemeContext);
}
