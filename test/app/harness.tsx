/**
 * Renders the cockpit into a terminal of a chosen size (ink-testing-library's is fixed at 100
 * columns), with keys typed through a fake stdin as a terminal would deliver them.
 */
import "./force-color.js";
import { EventEmitter } from "node:events";
import { render } from "ink";
import { App } from "../../source/app/App.js";
import { CockpitStore } from "../../source/app/store.js";
import { makeTheme, ThemeContext } from "../../source/app/theme.js";
import type { FakeController } from "./fake-controller.js";

class Stdout extends EventEmitter {
	frames: string[] = [];
	isTTY = true;
	constructor(
		public columns: number,
		public rows: number,
	) {
		super();
	}
	write = (frame: string) => {
		this.frames.push(frame);
		return true;
	};
	resize(columns: number, rows: number): void {
		this.columns = columns;
		this.rows = rows;
		this.emit("resize");
	}
}

class Stdin extends EventEmitter {
	isTTY = true;
	private data: string | null = null;
	write(data: string): void {
		this.data = data;
		this.emit("readable");
		this.emit("data", data);
	}
	read = () => {
		const data = this.data;
		this.data = null;
		return data;
	};
	setEncoding() {}
	setRawMode() {}
	resume() {}
	pause() {}
	ref() {}
	unref() {}
}

export const tick = (ms = 30) => new Promise((resolve) => setTimeout(resolve, ms));

export interface Screen {
	store: CockpitStore;
	stdout: Stdout;
	quits: number;
	/** The last frame, as rows of text without colour. */
	frame(): string;
	/** Types keys (one read per call) and waits for the frame. */
	press(keys: string): Promise<void>;
	/** Waits until the frame contains `text` (the store flushes at most every 50 ms). */
	waitFor(text: string | RegExp, timeoutMs?: number): Promise<string>;
	resize(columns: number, rows: number): Promise<void>;
	unmount(): void;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: stripping terminal colour codes
const ansi = /\x1b\[[0-9;?]*[A-Za-z]/g;

export async function renderCockpit(
	controller: FakeController,
	size: { columns: number; rows: number } = { columns: 100, rows: 30 },
	options: { noColor?: boolean; capacity?: number } = {},
): Promise<Screen> {
	const stdout = new Stdout(size.columns, size.rows);
	const stdin = new Stdin();
	const store = new CockpitStore(controller, options.capacity ? { capacity: options.capacity } : {});
	store.listen();
	const screen: Screen = {
		store,
		stdout,
		quits: 0,
		frame: () => (stdout.frames.at(-1) ?? "").replace(ansi, ""),
		press: async (keys) => {
			stdin.write(keys);
			await tick();
		},
		waitFor: async (text, timeoutMs = 2000) => {
			const deadline = Date.now() + timeoutMs;
			for (;;) {
				const frame = screen.frame();
				if (typeof text === "string" ? frame.includes(text) : text.test(frame)) return frame;
				if (Date.now() > deadline) throw new Error(`timed out waiting for ${String(text)} in:\n${frame}`);
				await tick(20);
			}
		},
		resize: async (columns, rows) => {
			stdout.resize(columns, rows);
			await tick(60);
		},
		unmount: () => {
			instance.unmount();
			store.close();
		},
	};
	const instance = render(
		<ThemeContext value={makeTheme(options.noColor ?? false)}>
			<App
				controller={controller}
				store={store}
				onQuit={() => {
					screen.quits++;
				}}
			/>
		</ThemeContext>,
		{
			stdout: stdout as never,
			stdin: stdin as never,
			stderr: stdout as never,
			debug: true,
			exitOnCtrlC: false,
			patchConsole: false,
		},
	);
	await tick();
	return screen;
}
