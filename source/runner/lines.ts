/**
 * Splits a growing byte stream (NAME.out) into lines while keeping exact byte offsets, so a
 * re-attach resumes after the last delivered line: no line lost, none repeated. Splitting is on
 * raw bytes (0x0A), so a multi-byte UTF-8 character cut between two reads is never damaged.
 */

/** A line longer than this is delivered in pieces: a runaway line must not grow memory. */
const maxLineBytes = 1 << 20;

export interface SplitLines {
	lines: string[];
	/** Offset just after the last delivered line. */
	offset: number;
}

export class LineSplitter {
	private carry: Buffer = Buffer.alloc(0);
	/** Offset of the first byte of `carry`. */
	private carryStart: number;

	constructor(startOffset = 0) {
		this.carryStart = startOffset;
	}

	/** Bytes received after the last complete line, not yet handed out. */
	get pending(): number {
		return this.carry.length;
	}

	/** Offset just after the last complete line handed out. */
	get offset(): number {
		return this.carryStart;
	}

	push(chunk: Buffer): SplitLines {
		const data = this.carry.length ? Buffer.concat([this.carry, chunk]) : chunk;
		const lines: string[] = [];
		let start = 0;
		for (;;) {
			const nl = data.indexOf(0x0a, start);
			if (nl < 0) break;
			const end = nl > start && data[nl - 1] === 0x0d ? nl - 1 : nl;
			lines.push(data.toString("utf8", start, end));
			start = nl + 1;
		}
		while (data.length - start > maxLineBytes) {
			lines.push(data.toString("utf8", start, start + maxLineBytes));
			start += maxLineBytes;
		}
		this.carryStart += start;
		this.carry = start < data.length ? Buffer.from(data.subarray(start)) : Buffer.alloc(0);
		return { lines, offset: this.carryStart };
	}

	/** The output is complete: hand out a last line that has no newline. */
	flush(): SplitLines {
		const lines = this.carry.length ? [this.carry.toString("utf8")] : [];
		this.carryStart += this.carry.length;
		this.carry = Buffer.alloc(0);
		return { lines, offset: this.carryStart };
	}
}
