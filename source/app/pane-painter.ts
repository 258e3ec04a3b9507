/**
 * Draws the panes of the grid (and the header's counts) straight onto the terminal when only
 * what the jobs do changed: their output, progress, clock and state, which is nearly all a
 * CRYSTAL job does for hours. The rows that differ from what the terminal shows are written at
 * their place, and nothing else. Ink would lay out, compose and compare the whole screen, and
 * React visit every component, for the same few cells; that is most of what a cockpit at rest
 * would cost.
 *
 * Ink stays the one that draws everything else (footer, overlays, the zoomed pane, the other
 * pages' list, a job that is starting, with its spinner) and every frame after a key. The two
 * share the terminal by two rules:
 * - The rows are the same strings either way (pane-rows.ts, header-row.ts), so whoever drew
 *   last, the screen is right.
 * - Ink writes a terminal line only where its own frame changed, from the first cell that
 *   differs from its previous frame to the end of the line, trusting the cells before it to be
 *   its own. After each write of Ink's, the lines it may have written (those where a region's
 *   rows changed since Ink's previous write, and the band of a spinning job) may show a mix of
 *   Ink's rows and the painter's from the first such region on, so the painter writes its rows
 *   there again, whole. Lines and regions Ink left alone still show what the painter wrote.
 *
 * Each write is wrapped in save-cursor and restore-cursor, so Ink finds its cursor where it
 * left it.
 */
import { type HeaderPlace, headerRow } from "./header-row.js";
import { gridPaneProps, paneRows } from "./pane-rows.js";
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

/** What the last render of the cockpit placed where the painter may draw. */
export interface Places {
	panes: readonly PanePlacement[];
	/** The header's row, at the top. */
	header: HeaderPlace;
	/** The other pages' list is on screen: Ink draws the states there. */
	otherPages: boolean;
}

/** The header's name among the painter's regions. */
export const headerKey = "\0header";

/** A rectangle the painter draws, and the rows it shows now (null: same as last painted). */
interface Region {
	key: string;
	x: number;
	y: number;
	height: number;
	rows: () => readonly string[] | null;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: escape sequences are what these look for
const modeSwitch = /^\x1b\[\?[\d;]*[hl]$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: escape sequences are what these look for
const erasure = /\x1b\[[0-3]?J|\x1b\[2K/;

export class PanePainter {
	/** null while the grid is not on screen (an overlay, the zoomed pane, the queue). */
	private places: Places | null = null;
	/** What the terminal shows in each region, row by row, as far as known. */
	private readonly screen = new Map<string, (string | undefined)[]>();
	/** The rows Ink has in its tree for each region (its last render), and as of its last write. */
	private readonly inkRows = new Map<string, readonly string[]>();
	private inkWritten = new Map<string, readonly string[]>();
	/** The panes Ink last drew as starting, with ink-spinner's own animation. */
	private readonly inkStarting = new Set<string>();
	/** What each pane was last painted from: the same job view, time and place draw the same. */
	private readonly paintedFrom = new Map<string, { job: JobView; elapsed: string; place: PanePlacement }>();
	private stopped = false;
	private held = false;

	constructor(
		private readonly write: (data: string) => void,
		private readonly theme: Theme,
		private readonly snapshot: () => Snapshot,
		/** The terminal's height: a write with a newline for nearly every row is a whole frame. */
		private readonly terminalRows: () => number,
	) {}

	/** From the render of the cockpit, before Ink writes its frame: null when the grid is not shown. */
	place(places: Places | null): void {
		if (!samePlaces(this.places, places)) this.screen.clear();
		this.places = places;
		this.paintedFrom.clear();
	}

	/** From the render of a pane or the header: the rows Ink now has for it. */
	rendered(key: string, rows: readonly string[], starting = false): void {
		this.inkRows.set(key, rows);
		if (starting) this.inkStarting.add(key);
		else this.inkStarting.delete(key);
	}

	/**
	 * Whether the changes of these jobs can be drawn here without React: the grid is on screen
	 * with no search under way (the footer counts its matches), and no pane among them is drawn
	 * by Ink as starting, or is to be. A change of state also needs every job on screen (the
	 * other pages' list shows states too).
	 */
	accepts(ids: Iterable<string>, states: boolean): boolean {
		const places = this.places;
		if (!places || this.stopped || this.held) return false;
		if (places.panes.some((p) => p.query !== "")) return false;
		if (states && places.otherPages) return false;
		const jobs = this.jobsById();
		for (const id of ids) {
			const placed = places.panes.some((p) => p.id === id);
			if (!placed) {
				if (states) return false;
				continue;
			}
			if (jobs.get(id)?.state === "starting" || this.inkStarting.has(id)) return false;
		}
		return true;
	}

	/** Writes the rows of each region that differ from what the terminal shows. */
	paint(): void {
		if (!this.places || this.stopped || this.held) return;
		let out = "";
		for (const region of this.regions()) {
			const rows = region.rows();
			if (!rows) continue;
			let screen = this.screen.get(region.key);
			if (!screen) {
				screen = [];
				this.screen.set(region.key, screen);
			}
			for (let r = 0; r < rows.length; r++) {
				if (rows[r] === screen[r]) continue;
				out += `\x1b[${region.y + r + 1};${region.x + 1}H${rows[r]}`;
				screen[r] = rows[r];
			}
		}
		if (out) this.write(`\x1b7${out}\x1b8`);
	}

	/** Ink wrote `data` to the terminal: what it may have written is unknown, then painted. */
	inkWrote(data: string): void {
		if (this.stopped || this.held) return;
		if (modeSwitch.test(data)) return;
		if (this.places) {
			const whole = erasure.test(data) || newlines(data) >= this.terminalRows() - 1;
			const regions = this.regions();
			// Each line Ink may have written, and the column it may have written from.
			const lines = new Map<number, number>();
			const wrote = (line: number, x: number) => lines.set(line, Math.min(x, lines.get(line) ?? x));
			for (const region of regions) {
				const ink = this.inkRows.get(region.key);
				const before = this.inkWritten.get(region.key);
				// A spinner turns without a render of its pane: its band line is Ink's at each write.
				if (this.inkStarting.has(region.key)) wrote(region.y, region.x);
				for (let r = 0; r < region.height; r++)
					if (whole || ink?.[r] !== before?.[r]) wrote(region.y + r, whole ? 0 : region.x);
			}
			for (const region of regions) {
				const screen = this.screen.get(region.key);
				if (!screen) continue;
				for (let r = 0; r < region.height; r++) {
					const from = lines.get(region.y + r);
					if (from === undefined || from > region.x) continue;
					screen[r] = undefined;
					this.paintedFrom.delete(region.key);
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

	/** While another program has the terminal (the editor), nothing is written; when Ink has it
	 * back it draws the whole screen, and the painter its rows over that. */
	hold(held: boolean): void {
		this.held = held;
		if (held) this.screen.clear();
	}

	private jobsById(): Map<string, JobView> {
		return new Map(this.snapshot().jobs.map((job) => [job.id, job]));
	}

	private regions(): Region[] {
		const places = this.places;
		if (!places) return [];
		const snapshot = this.snapshot();
		const jobs = new Map(snapshot.jobs.map((job) => [job.id, job]));
		const regions: Region[] = [
			{
				key: headerKey,
				x: 0,
				y: 0,
				height: 1,
				rows: () => [headerRow(places.header, snapshot.jobs, this.theme)],
			},
		];
		for (const place of places.panes)
			regions.push({
				key: place.id,
				x: place.x,
				y: place.y,
				height: place.height,
				rows: () => this.paneRowsOf(jobs.get(place.id), place, snapshot.now),
			});
		return regions;
	}

	private paneRowsOf(job: JobView | undefined, place: PanePlacement, now: number): readonly string[] | null {
		if (!job || job.state === "starting" || this.inkStarting.has(place.id)) return null;
		const props = gridPaneProps(job, scrollFrom(place.scroll, job), place, now);
		const from = this.paintedFrom.get(place.id);
		if (from && from.job === job && from.elapsed === props.elapsed && from.place === place) return null;
		this.paintedFrom.set(place.id, { job, elapsed: props.elapsed, place });
		return paneRows(props, this.theme);
	}
}

function samePlaces(a: Places | null, b: Places | null): boolean {
	if (a === null || b === null) return a === b;
	const [p, q] = [a.panes, b.panes];
	return (
		a.header.width === b.header.width &&
		p.length === q.length &&
		p.every((one, i) => {
			const other = q[i] as PanePlacement;
			return (
				one.id === other.id &&
				one.x === other.x &&
				one.y === other.y &&
				one.width === other.width &&
				one.height === other.height
			);
		})
	);
}

function newlines(data: string): number {
	let count = 0;
	for (let at = data.indexOf("\n"); at >= 0; at = data.indexOf("\n", at + 1)) count++;
	return count;
}
