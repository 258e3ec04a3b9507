/**
 * The last N lines of a job's output, addressed by their line number in the whole log, so a
 * view can ask for "lines 1200 to 1240" whether or not older lines have been dropped.
 */
export class LineRing {
	private readonly items: string[];
	private head = 0;
	private count = 0;
	/** Lines ever pushed (the line number the next one gets). */
	total = 0;

	constructor(readonly capacity: number) {
		this.items = new Array<string>(capacity);
	}

	/** Line number of the oldest line still held. */
	get first(): number {
		return this.total - this.count;
	}

	push(lines: readonly string[]): void {
		// Only the last `capacity` lines of a huge batch can survive: skip the rest outright.
		const skip = Math.max(0, lines.length - this.capacity);
		this.total += skip;
		for (let i = skip; i < lines.length; i++) {
			this.items[(this.head + this.count) % this.capacity] = lines[i] as string;
			if (this.count < this.capacity) this.count++;
			else this.head = (this.head + 1) % this.capacity;
			this.total++;
		}
	}

	/** Line number `n` of the log, or undefined when it is not held (too old or not yet seen). */
	get(n: number): string | undefined {
		if (n < this.first || n >= this.total) return undefined;
		return this.items[(this.head + (n - this.first)) % this.capacity];
	}

	/** Lines [start, end) clipped to what is held. */
	slice(start: number, end: number): string[] {
		const from = Math.max(start, this.first);
		const to = Math.min(end, this.total);
		const out: string[] = [];
		for (let n = from; n < to; n++) out.push(this.get(n) as string);
		return out;
	}

	/** Forget every line; the next one pushed is line `firstLine` (a log read from its tail). */
	clear(firstLine = 0): void {
		this.head = 0;
		this.count = 0;
		this.total = firstLine;
	}
}
