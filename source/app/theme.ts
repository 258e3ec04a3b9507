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

/** How a pane's title band is drawn. */
export interface Band {
	backgroundColor?: string;
	/** The band's text; undefined: the terminal's own. */
	color?: string;
	/** Without colours the focused band is drawn in reverse video. */
	inverse: boolean;
}

export interface Theme {
	noColor: boolean;
	/** A colour name for Ink, or undefined when colours are off. */
	color(name: string): string | undefined;
	stateColor(state: ViewState): string | undefined;
	band(focused: boolean): Band;
	/** The column between two panes side by side: a bar of colour, or "|" without colours. */
	separator: { backgroundColor?: string; char: string };
}

/** Bands and separators share one colour, so the grid reads as one frame around the panes. */
const frameColor = "gray";

export function makeTheme(noColor: boolean): Theme {
	return {
		noColor,
		color: (name) => (noColor ? undefined : name),
		stateColor: (state) => (noColor ? undefined : stateColors[state]),
		band: (focused) =>
			noColor
				? { inverse: focused }
				: focused
					? { backgroundColor: "cyan", color: "black", inverse: false }
					: { backgroundColor: frameColor, color: "whiteBright", inverse: false },
		separator: noColor ? { char: "|" } : { backgroundColor: frameColor, char: " " },
	};
}

export const ThemeContext = createContext<Theme>(makeTheme(false));

export function useTheme(): Theme {
	return useContext(ThemeContext);
}
