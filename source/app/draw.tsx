/**
 * Puts the app on the terminal with Ink. Kept apart from cockpit.tsx so that React is loaded
 * only when the cockpit starts, and in its leanest form (load-ui.ts).
 */
import { type Instance, render } from "ink";
import type { JobsController } from "../jobs/controller.js";
import { App } from "./App.js";
import { PainterContext } from "./painter-context.js";
import { PanePainter } from "./pane-painter.js";
import type { CockpitStore } from "./store.js";
import { makeTheme, ThemeContext } from "./theme.js";

export interface DrawOptions {
	controller: JobsController;
	store: CockpitStore;
	noColor: boolean;
	onQuit: () => void;
}

export interface Drawing {
	instance: Instance;
	/** Before Ink leaves the screen: the painter writes nothing more. */
	stopPainting: () => void;
}

/** Frames per second at most, for keys as well as output (the store paces the output). */
const maxFps = 20;

/** The terminal as Ink sees it: each of its writes is passed on, then told to `after`. */
function watchedStdout(stdout: NodeJS.WriteStream, after: (data: string) => void): NodeJS.WriteStream {
	const write = (...args: Parameters<NodeJS.WriteStream["write"]>) => {
		const ok = stdout.write(...(args as [string]));
		if (typeof args[0] === "string") after(args[0]);
		return ok;
	};
	return new Proxy(stdout, {
		get(target, key) {
			if (key === "write") return write;
			const value: unknown = Reflect.get(target, key, target);
			return typeof value === "function" ? value.bind(target) : value;
		},
	});
}

export function drawCockpit({ controller, store, noColor, onQuit }: DrawOptions): Drawing {
	const theme = makeTheme(noColor);
	const stdout = process.stdout;
	const painter = new PanePainter(
		(data) => stdout.write(data),
		theme,
		store.getSnapshot,
		() => stdout.rows ?? 24,
	);
	store.setPainter(painter);
	const instance = render(
		<ThemeContext value={theme}>
			<PainterContext value={painter}>
				<App controller={controller} store={store} onQuit={onQuit} />
			</PainterContext>
		</ThemeContext>,
		{
			stdout: watchedStdout(stdout, (data) => painter.inkWrote(data)),
			alternateScreen: true,
			exitOnCtrlC: false,
			patchConsole: true,
			maxFps,
			// Rewrite only the rows that changed: a few kB a frame instead of the whole screen,
			// which matters over SSH.
			incrementalRendering: true,
		},
	);
	return {
		instance,
		stopPainting: () => {
			store.setPainter(null);
			painter.stop();
		},
	};
}
