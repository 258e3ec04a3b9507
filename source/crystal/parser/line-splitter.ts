/**
 * Turns arbitrary chunks of CRYSTAL output (strings or bytes, split anywhere, LF or CRLF) into
 * whole lines, and hands out only the lines whose first non-blank character the parser acts on
 * (or every line, while `everyLine` is set): nine lines in ten are data and never become strings.
 *
 * Bytes are decoded up to the last newline of a chunk in one call of a TextDecoder, so a line is
 * a slice of one string rather than a string of its own; the bytes after that newline wait for the
 * next chunk. A newline byte never sits inside a UTF-8 sequence, so decoding up to it gives the
 * same characters as a streaming decoder: a multi-byte character cut between two chunks survives
 * and invalid UTF-8 becomes U+FFFD instead of an exception.
 *
 * Memory stays bounded: a line is kept up to `maxLineLength` characters and the rest of it is
 * dropped. Every marker the parser looks for sits at the start of its line, so the kept prefix
 * is all that matters, and a 10 MB line without a newline costs at most `maxLineLength`.
 */

/** Longest prefix of a line that is kept; CRYSTAL never prints lines anywhere near this. */
export const maxLineLength = 4096;

/**
 * Bytes of an unfinished line kept until its newline comes: enough for `maxLineLength`
 * characters whatever they are (a UTF-16 unit takes at most 3 bytes of UTF-8; 3 more for a
 * character cut at the end, which lies past the kept prefix).
 */
const maxLineBytes = 3 * maxLineLength + 3;

/** The one rule shared by chunked and line-by-line feeding, so both give the same lines. */
export function normaliseLine(line: string): string {
	const kept = line.length > maxLineLength ? line.slice(0, maxLineLength) : line;
	return kept.length > 0 && kept.charCodeAt(kept.length - 1) === 13 ? kept.slice(0, -1) : kept;
}

/** A table of the first characters (codes below 128) whose lines are handed out. */
export function lineStarts(characters: string): Uint8Array {
	const table = new Uint8Array(128);
	for (let index = 0; index < characters.length; index++) table[characters.charCodeAt(index) & 127] = 1;
	return table;
}

export class LineSplitter {
	/** Hand out every line, blank ones included, not only those `starts` names (a table is read). */
	everyLine = false;
	private readonly decoder = new TextDecoder("utf-8", { fatal: false, ignoreBOM: true });
	/** Start of the line not yet ended by a newline, as text (at most `maxLineLength` characters). */
	private partial = "";
	/** ... and its bytes that follow that text, not yet decoded (at most `maxLineBytes`). */
	private tail: Uint8Array | null = null;
	private tailLength = 0;
	/** The unfinished line already reached the cap: drop everything up to the next newline. */
	private overflowing = false;

	/**
	 * `starts` (see lineStarts) names the first non-blank characters of the lines `onLine` is
	 * given; the lines it does not name are skipped unread. A line that is cut across chunks is
	 * always handed out (`onLine` must ignore what it does not want).
	 */
	constructor(
		private readonly onLine: (line: string) => void,
		private readonly starts: Uint8Array,
	) {}

	push(chunk: string | Uint8Array): void {
		if (typeof chunk === "string") this.pushText(chunk);
		else this.pushBytes(chunk);
	}

	/** The input is complete: hand out the last line if it has no newline. */
	end(): void {
		if (this.partial.length > 0 || this.tailLength > 0 || this.overflowing) this.onLine(this.takeCut(""));
	}

	private pushText(text: string): void {
		const length = text.length;
		if (length === 0) return;
		let start = 0;
		if (this.hasCut()) {
			const newline = text.indexOf("\n");
			if (newline < 0) {
				this.keepText(text, 0, length);
				return;
			}
			this.onLine(this.takeCut(text.slice(0, Math.min(newline, maxLineLength))));
			start = newline + 1;
		}
		start = this.lines(text, start);
		if (start < length) this.keepText(text, start, length);
	}

	private pushBytes(bytes: Uint8Array): void {
		const length = bytes.length;
		if (length === 0) return;
		let start = 0;
		if (this.hasCut()) {
			const newline = bytes.indexOf(10);
			if (newline < 0) {
				this.keepBytes(bytes, 0, length);
				return;
			}
			this.keepBytes(bytes, 0, newline);
			this.onLine(this.takeCut(""));
			start = newline + 1;
		}
		const last = bytes.lastIndexOf(10);
		if (last >= start) {
			this.lines(this.decoder.decode(bytes.subarray(start, last + 1)), 0);
			start = last + 1;
		}
		if (start < length) this.keepBytes(bytes, start, length);
	}

	/**
	 * Hands out the lines of text[from...] that end in a newline, through the `starts` filter;
	 * returns where the unfinished rest begins. The hot loop of the parser: kept small and
	 * free of allocation for the lines it skips.
	 */
	private lines(text: string, from: number): number {
		const starts = this.starts;
		let start = from;
		let newline = text.indexOf("\n", start);
		while (newline >= 0) {
			let at = start;
			let code = 32;
			while (at < newline) {
				code = text.charCodeAt(at);
				if (code !== 32 && code !== 9) break;
				at++;
			}
			if (this.everyLine || (at < newline && code < 128 && starts[code] === 1)) {
				let end = newline;
				if (end - start > maxLineLength) end = start + maxLineLength;
				if (end > start && text.charCodeAt(end - 1) === 13) end--;
				this.onLine(text.slice(start, end));
			}
			start = newline + 1;
			newline = text.indexOf("\n", start);
		}
		return start;
	}

	private hasCut(): boolean {
		return this.partial.length > 0 || this.tailLength > 0 || this.overflowing;
	}

	/** The unfinished line with `more` text after it, as a whole line; forgets it. */
	private takeCut(more: string): string {
		const text = this.cutText() + more;
		this.partial = "";
		this.overflowing = false;
		return normaliseLine(text);
	}

	/** The unfinished line so far as text: its bytes decoded (as a streaming decoder flushes them). */
	private cutText(): string {
		if (this.tail === null || this.tailLength === 0) return this.partial;
		const text = this.partial + this.decoder.decode(this.tail.subarray(0, this.tailLength));
		this.tailLength = 0;
		return text;
	}

	/** Appends text[from, to) to the unfinished line without letting it grow past the cap. */
	private keepText(text: string, from: number, to: number): void {
		if (this.overflowing) return;
		// Bytes then text: the bytes become text first.
		this.partial = this.cutText();
		const room = maxLineLength - this.partial.length;
		if (to - from >= room) {
			this.partial = (this.partial + text.slice(from, from + Math.max(room, 0))).slice(0, maxLineLength);
			this.overflowing = true;
			return;
		}
		this.partial += text.slice(from, to);
	}

	/** Appends bytes[from, to) to the unfinished line without letting it grow past the cap. */
	private keepBytes(bytes: Uint8Array, from: number, to: number): void {
		if (this.overflowing) return;
		if (this.tail === null) this.tail = new Uint8Array(maxLineBytes);
		const room = maxLineBytes - this.tailLength;
		const end = to - from > room ? from + room : to;
		this.tail.set(bytes.subarray(from, end), this.tailLength);
		this.tailLength += end - from;
		if (end < to) this.overflowing = true;
	}
}
