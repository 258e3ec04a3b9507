/**
 * Turns arbitrary chunks of CRYSTAL output (strings or bytes, split anywhere, LF or CRLF) into
 * whole lines. Bytes are decoded with one streaming TextDecoder, so a multi-byte character cut
 * between two chunks survives and invalid UTF-8 becomes U+FFFD instead of an exception.
 *
 * Memory stays bounded: a line is kept up to `maxLineLength` characters and the rest of it is
 * dropped. Every marker the parser looks for sits at the start of its line, so the kept prefix
 * is all that matters, and a 10 MB line without a newline costs at most `maxLineLength`.
 */

/** Longest prefix of a line that is kept; CRYSTAL never prints lines anywhere near this. */
export const maxLineLength = 4096;

/** The one rule shared by chunked and line-by-line feeding, so both give the same lines. */
export function normaliseLine(line: string): string {
	const kept = line.length > maxLineLength ? line.slice(0, maxLineLength) : line;
	return kept.length > 0 && kept.charCodeAt(kept.length - 1) === 13 ? kept.slice(0, -1) : kept;
}

export class LineSplitter {
	private readonly decoder = new TextDecoder("utf-8", { fatal: false, ignoreBOM: true });
	/** Start of the line not yet ended by a newline (at most `maxLineLength` characters). */
	private partial = "";
	/** The partial line already reached the cap: drop everything up to the next newline. */
	private overflowing = false;

	constructor(private readonly onLine: (line: string) => void) {}

	push(chunk: string | Uint8Array): void {
		const text =
			typeof chunk === "string" ? this.flushDecoder() + chunk : this.decoder.decode(chunk, { stream: true });
		this.pushText(text);
	}

	/** The input is complete: hand out the last line if it has no newline. */
	end(): void {
		this.pushText(this.flushDecoder());
		if (this.partial.length > 0 || this.overflowing) this.onLine(normaliseLine(this.partial));
		this.partial = "";
		this.overflowing = false;
	}

	private flushDecoder(): string {
		return this.decoder.decode();
	}

	private pushText(text: string): void {
		const length = text.length;
		if (length === 0) return;
		let start = 0;
		let newline = text.indexOf("\n");
		if (newline < 0) {
			this.keep(text, 0, length);
			return;
		}
		if (this.partial.length > 0 || this.overflowing) {
			this.keep(text, 0, newline);
			this.onLine(normaliseLine(this.partial));
			this.partial = "";
			this.overflowing = false;
			start = newline + 1;
			newline = text.indexOf("\n", start);
		}
		const onLine = this.onLine;
		while (newline >= 0) {
			let end = newline;
			if (end - start > maxLineLength) end = start + maxLineLength;
			if (end > start && text.charCodeAt(end - 1) === 13) end--;
			onLine(text.slice(start, end));
			start = newline + 1;
			newline = text.indexOf("\n", start);
		}
		if (start < length) this.keep(text, start, length);
	}

	/** Appends text[from, to) to the partial line without letting it grow past the cap. */
	private keep(text: string, from: number, to: number): void {
		if (this.overflowing) return;
		const room = maxLineLength - this.partial.length;
		if (to - from >= room) {
			this.partial += text.slice(from, from + room);
			this.overflowing = true;
			return;
		}
		this.partial += text.slice(from, to);
	}
}
