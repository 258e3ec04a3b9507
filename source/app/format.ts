/** Numbers, durations and output lines as the panes print them. */

export function formatEnergy(hartree: number | null): string {
	return hartree === null ? "–" : `${hartree.toFixed(8)} Ha`;
}

export function formatDelta(hartree: number | null): string {
	if (hartree === null) return "–";
	return hartree === 0 ? "0" : hartree.toExponential(1);
}

/** 45s, 12:05, 3:02:10 */
export function formatDuration(seconds: number | null): string {
	if (seconds === null || !Number.isFinite(seconds) || seconds < 0) return "–";
	const s = Math.floor(seconds);
	const h = Math.floor(s / 3600);
	const m = Math.floor((s % 3600) / 60);
	const rest = String(s % 60).padStart(2, "0");
	if (h > 0) return `${h}:${String(m).padStart(2, "0")}:${rest}`;
	if (m > 0) return `${m}:${rest}`;
	return `${s}s`;
}

/**
 * A run's elapsed time as its title band shows it, from its start to `now` (both in ms): seconds
 * in its first minute ("42s"), then minutes ("17m", "3h05m"). A CRYSTAL run lasts minutes to
 * days; seconds past the first minute would cost a frame a second for hours and tell nothing.
 * Counted in whole seconds of the wall clock, so that every pane's time changes at the same
 * instant: one frame for all of them.
 */
export function formatElapsed(startedAt: number, now: number): string {
	const s = elapsedSeconds(startedAt, now);
	if (!Number.isFinite(s) || s < 0) return "–";
	if (s < 60) return `${s}s`;
	const m = Math.floor(s / 60);
	if (m < 60) return `${m}m`;
	return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, "0")}m`;
}

const elapsedSeconds = (startedAt: number, now: number): number =>
	Math.floor(now / 1000) - Math.floor(startedAt / 1000);

/** When formatElapsed(startedAt, ...) next reads differently, after `now` (ms). */
export function nextElapsedChange(startedAt: number, now: number): number {
	const s = Math.max(0, elapsedSeconds(startedAt, now));
	const next = s < 60 ? s + 1 : (Math.floor(s / 60) + 1) * 60;
	return (Math.floor(startedAt / 1000) + next) * 1000;
}

const bars = "▁▂▃▄▅▆▇█";

/** One bar per value, scaled between the smallest and largest; for log10|ΔE| a converging
 * SCF reads as a falling line. */
export function sparkline(values: readonly number[], width: number): string {
	const shown = values.filter(Number.isFinite).slice(-Math.max(0, width));
	if (shown.length === 0) return "";
	const low = Math.min(...shown);
	const high = Math.max(...shown);
	const span = high - low || 1;
	return shown.map((v) => bars[Math.round(((v - low) / span) * (bars.length - 1))]).join("");
}

// CSI and OSC sequences, then any other control character: a job's output must not be able
// to move the cursor, change colours or set the title of the user's terminal.
// biome-ignore lint/suspicious/noControlCharactersInRegex: terminal sequences are what this removes
const escapes = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-_]?/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this removes
const controls = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;

/** An output line made safe and cut to `width` columns (tabs expanded to stops of 8). */
export function displayLine(line: string, width: number): string {
	let text = line;
	// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this looks for
	if (/[\x00-\x1f\x7f-\x9f]/.test(text)) {
		text = text.replace(escapes, "");
		if (text.includes("\t")) {
			let out = "";
			for (const char of text) out += char === "\t" ? " ".repeat(8 - (out.length % 8)) : char;
			text = out;
		}
		text = text.replace(controls, "");
	}
	return text.length > width ? text.slice(0, Math.max(0, width)) : text;
}

/** Cut to `width` columns, marking the cut with an ellipsis. */
export function clip(text: string, width: number): string {
	if (width <= 0) return "";
	return text.length > width ? `${text.slice(0, width - 1)}…` : text;
}
