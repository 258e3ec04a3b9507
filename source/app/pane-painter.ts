/**
 * Draws the panes of the grid straight onto the terminal when only their output, their progress
 * or the clock changed, which is nearly all a CRYSTAL job does for hours: the rows of each pane
 * that differ from what the terminal shows are written at their place, and nothing else. Ink
 * would lay out, compose and compare the whole screen, and React visit every component, for the
 * same few cells; that is most of what a cockpit at rest would cost.
 *
 * Ink stays the one that draws everything else (header, footer, overlays, the zoomed pane, a
 * job that is starting, with its spinner) and every frame after a key or a change of state. The
 * two share the terminal by two rules:
 * - The rows are the same strings either way (pane-rows.ts), so whoever drew last, the screen
 *   is right.
 * - Ink writes a terminal line only where its own frame changed, from the first cell that
 *   differs from its previous frame to the end of the line, trusting the cells before it to be
 *   its own. After each write of Ink's, the lines it may have written (those where a pane's rows
 *   changed since Ink's previous write, and the band of a spinning job) may show a mix of Ink's
 *   rows and the painter's from the first such pane on, so the painter writes its rows there
 *   again, whole. Lines and panes Ink left alone still show what the painter wrote.
 *
 * Each write is wrapped in save-cursor and restore-cursor, so Ink finds its cursor where it
 * left it.
 */
import { gridPaneProps, type PaneProps, paneRows } from "./pane-rows.js";
import type { JobView, Snapshot } from "./store.js";
import type { Theme } from "./theme.js";
import { type Scroll, scrollFrom } from "./ui-state.js";

/** Where a pane of the grid is and how it is shown, as the last render of the grid placed it. */
export interface PanePlacement {
	id: string;
	/** Column and row of its top left cell, from 0. */
	x: number;
	y: number;
	width: number;
	height: number;
	focused: boolean;
	/** The pane's scroll state as the UI holds it (undefined: following). */
	scroll: Scroll | undefined;
	query: string;
	match: number | null;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: escape sequences are what these look for
const modeSwitch = /^\x1b\[\?[\d;]*[hl]$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: escape sequences are what these look for
const erasure = /\x1b\[[0-3]?J|\x1b\[2K/;

export class PanePainter {
	/** null while the grid is not on screen (an overlay, the zoomed pane, the queue). */
	private placements: readonly PanePlacement[] | null = null;
	/** What the terminal shows in each placed pane, row by row, as far as known. */
	private readonly screen = new Map<string, (string | undefined)[]>();
	/** The rows Ink has in its tree for each pane (its last render), and as of its last write. */
	private readonly inkRows = new Map<string, readonly string[]>();
	private inkWritten = new Map<string, readonly string[]>();
	/** What each pane was last painted from: the same job view, time and place draw the same. */
	private readonly paintedFrom = new Map<string, { job: JobView; elapsed: string; place: PanePlacement }>();
	private stopped = false;

	constructor(
		private readonly write: (data: string) => void,
		private readonly theme: Theme,
		private readonly snapshot: () => Snapshot,
		/** The terminal's height: a write with a newline for nearly every row is a whole frame. */
		private readonly terminalRows: () => number,
	) {}

	/** From the render of the grid, before Ink writes its frame: null when the grid is not shown. */
	place(placements: readonly PanePlacement[] | null): void {
		const before = this.placements;
		this.placements = placements;
		if (!samePlaces(before, placements)) this.screen.clear();
		this.paintedFrom.clear();
	}

	/** From the render of a pane: the rows Ink now has for it. */
	rendered(id: string, rows: readonly string[]): void {
		this.inkRows.set(id, rows);
	}

	/** Whether new output, progress or a clock tick of these jobs is drawn here without React:
	 * the grid is on screen with no search under way, and none of them is a placed pane that Ink
	 * draws (starting). */
	accepts(ids: Iterable<string>): boolean {
		if (!this.placements || this.stopped) return false;
		// A search's footer counts the matches in the focused job's lines: React keeps it true.
		if (this.placements.some((p) => p.query !== "")) return false;
		const jobs = this.jobsById();
		for (const id of ids) {
			const placed = this.placements.some((p) => p.id === id);
			if (placed && jobs.get(id)?.state === "starting") return false;
		}
		return true;
	}

	/** Writes the rows of each placed pane that differ from what the terminal shows. */
	paint(): void {
		if (!this.placements || this.stopped) return;
		const { now } = this.snapshot();
		const jobs = this.jobsById();
		let out = "";
		for (const place of this.placements) {
			const job = jobs.get(place.id);
			if (!job || job.state === "starting") continue;
			const props = this.propsOf(job, place, now);
			const from = this.paintedFrom.get(place.id);
			if (from && from.job === job && from.elapsed === props.elapsed && from.place === place) continue;
			this.paintedFrom.set(place.id, { job, elapsed: props.elapsed, place });
			const rows = paneRows(props, this.theme);
			let screen = this.screen.get(place.id);
			if (!screen) {
				screen = [];
				this.screen.set(place.id, screen);
			}
			for (let r = 0; r < rows.length; r++) {
				if (rows[r] === screen[r]) continue;
				out += `\x1b[${place.y + r + 1};${place.x + 1}H${rows[r]}`;
				screen[r] = rows[r];
			}
		}
		if (out) this.write(`\x1b7${out}\x1b8`);
	}

	/** Ink wrote `data` to the terminal: take what it may have rewritten as its, then paint. */
	inkWrote(data: string): void {
		if (this.stopped) return;
		if (modeSwitch.test(data)) return;
		const placements = this.placements;
		if (placements) {
			const whole = erasure.test(data) || newlines(data) >= this.terminalRows() - 1;
			const jobs = this.jobsById();
			// Each line Ink may have written, and the column it may have written from.
			const lines = new Map<number, number>();
			const wrote = (line: number, x: number) => lines.set(line, Math.min(x, lines.get(line) ?? x));
			for (const place of placements) {
				const ink = this.inkRows.get(place.id);
				const before = this.inkWritten.get(place.id);
				// A spinner turns without a render of its pane: its band line is Ink's at each write.
				if (jobs.get(place.id)?.state === "starting") wrote(place.y, place.x);
				for (let r = 0; r < place.height; r++)
					if (whole || ink?.[r] !== before?.[r]) wrote(place.y + r, whole ? 0 : place.x);
			}
			for (const place of placements) {
				const screen = this.screen.get(place.id);
				if (!screen) continue;
				for (let r = 0; r < place.height; r++) {
					const from = lines.get(place.y + r);
					if (from === undefined || from > place.x) continue;
					screen[r] = undefined;
					this.paintedFrom.delete(place.id);
				}
			}
		}
		this.inkWritten = new Map(this.inkRows);
		this.paint();
	}

	/** The cockpit is leaving: nothing more is written. */
	stop(): void {
		this.stopped = true;
	}

	private jobsById(): Map<string, JobView> {
		return new Map(this.snapshot().jobs.map((job) => [job.id, job]));
	}

	private propsOf(job: JobView, place: PanePlacement, now: number): PaneProps {
		return gridPaneProps(job, scrollFrom(place.scroll, job), place, now);
	}
}

function samePlaces(a: readonly PanePlacement[] | null, b: readonly PanePlacement[] | null): boolean {
	if (a === null || b === null) return a === b;
	return (
		a.length === b.length &&
		a.every((p, i) => {
			const q = b[i] as PanePlacement;
			return p.id === q.id && p.x === q.x && p.y === q.y && p.width === q.width && p.height === q.height;
		})
	);
}

function newlines(data: string): number {
	let count = 0;
	for (let at = data.indexOf("\n"); at >= 0; at = data.indexOf("\n", at + 1)) count++;
	return count;
}
