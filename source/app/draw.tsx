/**
 * Puts the app on the terminal with Ink. Kept apart from cockpit.tsx so that React is loaded
 * only when the cockpit starts, and in its leanest form (load-ui.ts).
 */
import { type Instance, render } from "ink";
import type { JobsController } from "../jobs/controller.js";
import { App } from "./App.js";
import type { CockpitStore } from "./store.js";
import { makeTheme, ThemeContext } from "./theme.js";

export interface DrawOptions {
	controller: JobsController;
	store: CockpitStore;
	noColor: boolean;
	onQuit: () => void;
}

/** Frames per second at most, for keys as well as output (the store paces the output). */
const maxFps = 20;

export function drawCockpit({ controller, store, noColor, onQuit }: DrawOptions): Instance {
	return render(
		<ThemeContext value={makeTheme(noColor)}>
			<App controller={controller} store={store} onQuit={onQuit} />
		</ThemeContext>,
		{
			alternateScreen: true,
			exitOnCtrlC: false,
			patchConsole: true,
			maxFps,
			// Rewrite only the rows that changed: a few kB a frame instead of the whole screen,
			// which matters over SSH.
			incrementalRendering: true,
		},
	);
}
