/**
 * Lines of a job's log by number, without reading the whole file: CRYSTAL outputs run to tens
 * or hundreds of megabytes, and the zoomed view scrolls back through them a page at a time.
 * The index keeps the byte offset of every `step`-th line start, built once in one pass and
 * extended as the log grows, so any window costs at most `step` lines of reading before it.
 * A log that is replaced (a new run moves the old one to NAME.out.prev), shrinks, or was
 * rewritten in place (the bytes before the indexed end changed) is indexed again from the start.
 */
import { type FileHandle, open } from "node:fs/promises";

const chunkBytes = 1 << 20;
/** Bytes just before the indexed end, kept to notice a log rewritten in place. */
const tailBytes = 256;
const newline = 0x0a;

export class LogIndex {
	/** Byte offset where line `i * step` starts. */
	private checkpoints: number[] = [0];
	/** Newlines seen in the bytes scanned so far. */
	private newlines = 0;
	private scanned = 0;
	/** Byte offset just after the last newline seen: where a line still being written starts. */
	private lastLineStart = 0;
	private inode = -1;
	private tail: Buffer = Buffer.alloc(0);

	constructor(
		readonly path: string,
		private readonly step = 1000,
	) {}

	/** Lines in the log (a last line without its newline yet counts), as of the last refresh. */
	get total(): number {
		return this.newlines + (this.scanned > this.lastLineStart ? 1 : 0);
	}

	/** Brings the index up to the file as it is now; a missing file has no lines. */
	async refresh(): Promise<void> {
		let file: FileHandle;
		try {
			file = await open(this.path, "r");
		} catch {
			this.reset(-1);
			return;
		}
		try {
			const { size, ino } = await file.stat();
			if (ino !== this.inode || size < this.scanned || !(await this.sameTail(file))) this.reset(ino);
			const buffer = Buffer.allocUnsafe(chunkBytes);
			while (this.scanned < size) {
				const { bytesRead } = await file.read(
					buffer,
					0,
					Math.min(chunkBytes, size - this.scanned),
					this.scanned,
				);
				if (bytesRead === 0) break;
				for (
					let at = buffer.indexOf(newline, 0);
					at !== -1 && at < bytesRead;
					at = buffer.indexOf(newline, at + 1)
				) {
					this.newlines++;
					this.lastLineStart = this.scanned + at + 1;
					if (this.newlines % this.step === 0) this.checkpoints.push(this.lastLineStart);
				}
				this.scanned += bytesRead;
			}
			const tail = Buffer.alloc(Math.min(tailBytes, this.scanned));
			await file.read(tail, 0, tail.length, this.scanned - tail.length);
			this.tail = tail;
		} finally {
			await file.close();
		}
	}

	/** Lines [start, start + count) as far as the index reaches, without their line ends. */
	async read(start: number, count: number): Promise<string[]> {
		const first = Math.max(0, start);
		const end = Math.min(this.total, first + Math.max(0, count));
		if (end <= first) return [];
		const checkpoint = Math.floor(first / this.step);
		const from = this.checkpoints[checkpoint] ?? 0;
		const file = await open(this.path, "r");
		try {
			// Read from the checkpoint until the last line wanted has ended (or the scanned end).
			const parts: Buffer[] = [];
			let line = checkpoint * this.step;
			let position = from;
			while (line < end && position < this.scanned) {
				const buffer = Buffer.allocUnsafe(Math.min(chunkBytes, this.scanned - position));
				const { bytesRead } = await file.read(buffer, 0, buffer.length, position);
				if (bytesRead === 0) break;
				const chunk = buffer.subarray(0, bytesRead);
				for (let at = chunk.indexOf(newline); at !== -1 && line < end; at = chunk.indexOf(newline, at + 1))
					line++;
				parts.push(chunk);
				position += bytesRead;
			}
			// Lines are cut at newlines of whole bytes, so no character is split between them.
			const lines = Buffer.concat(parts).toString("utf8").split("\n");
			const skip = first - checkpoint * this.step;
			return lines.slice(skip, skip + (end - first)).map((l) => (l.endsWith("\r") ? l.slice(0, -1) : l));
		} finally {
			await file.close();
		}
	}

	private async sameTail(file: FileHandle): Promise<boolean> {
		if (this.tail.length === 0) return true;
		const now = Buffer.alloc(this.tail.length);
		await file.read(now, 0, now.length, this.scanned - now.length);
		return now.equals(this.tail);
	}

	private reset(inode: number): void {
		this.tail = Buffer.alloc(0);
		this.checkpoints = [0];
		this.newlines = 0;
		this.scanned = 0;
		this.lastLineStart = 0;
		this.inode = inode;
	}
}
