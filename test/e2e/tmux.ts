/**
 * A real terminal for end-to-end tests: a tmux server on a private socket, one session per
 * run of the program, keys sent one at a time, the screen read with capture-pane.
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";

export class Tmux {
	readonly socket = `crystal-tui-e2e-${process.pid}-${randomBytes(4).toString("hex")}`;
	private session = 0;

	private tmux(...args: string[]): string {
		return execFileSync("tmux", ["-L", this.socket, "-f", "/dev/null", ...args], { encoding: "utf8" });
	}

	/** Runs `command` (a shell line) in a new session of the given size; it stays visible after
	 * the program exits, followed by "[exit N]". */
	start(command: string, env: Record<string, string>, columns: number, rows: number, cwd: string): void {
		this.session++;
		const envArgs = Object.entries(env).flatMap(([k, v]) => ["-e", `${k}=${v}`]);
		this.tmux(
			"new-session",
			"-d",
			"-s",
			`s${this.session}`,
			"-x",
			String(columns),
			"-y",
			String(rows),
			"-c",
			cwd,
			...envArgs,
			`${command}; printf '\\n[exit %s]\\n' $?; exec sleep 3600`,
		);
	}

	/** One key per call, as tmux names it ("q", "Enter", "PageUp", "Escape", "Tab"). */
	key(key: string): void {
		this.tmux("send-keys", "-t", `s${this.session}`, key);
	}

	/** Literal text, a character at a time. */
	type(text: string): void {
		for (const char of text) this.tmux("send-keys", "-t", `s${this.session}`, "-l", char);
	}

	/** The screen as text; with `colours`, with the escape sequences of its colours and styles. */
	screen(colours = false): string {
		return this.tmux("capture-pane", "-p", ...(colours ? ["-e"] : []), "-t", `s${this.session}`);
	}

	/** A tmux format of the current pane, e.g. "#{pane_pid}". */
	display(format: string): string {
		return this.tmux("display-message", "-p", "-t", `s${this.session}`, format).trim();
	}

	resize(columns: number, rows: number): void {
		this.tmux("resize-window", "-t", `s${this.session}`, "-x", String(columns), "-y", String(rows));
	}

	async waitFor(text: string | RegExp, timeoutMs = 30_000): Promise<string> {
		const deadline = Date.now() + timeoutMs;
		let screen = "";
		while (Date.now() < deadline) {
			screen = this.screen();
			if (typeof text === "string" ? screen.includes(text) : text.test(screen)) return screen;
			await new Promise((resolve) => setTimeout(resolve, 100));
		}
		throw new Error(`timed out after ${timeoutMs} ms waiting for ${String(text)}; the screen:\n${screen}`);
	}

	killSession(): void {
		this.tmux("kill-session", "-t", `s${this.session}`);
	}

	close(): void {
		try {
			this.tmux("kill-server");
		} catch {
			// already gone
		}
	}
}
