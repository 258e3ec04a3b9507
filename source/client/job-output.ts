/**
 * A client follows a job's output itself, from the local NAME.out (every backend's output is a
 * local file: the supervisor mirrors remote ones), by byte offset: the heavy output path needs
 * no socket. Lines at or before `printedUntil` were printed by an earlier client and are
 * flagged as replay.
 */

import type { Follower } from "../runner/backend.js";
import { LineSplitter } from "../runner/lines.js";
import type { OutputBatch } from "../runner/runner.js";
import { followFile } from "../runner/tail.js";

/** Reads of a growing NAME.out, at most: the cockpit draws new output once a second at most
 * (app/store.ts), and a line after a quiet spell is still read at once. */
const readIntervalMs = 1000;

export class JobOutput {
	private readonly splitter = new LineSplitter(0);
	private readonly follower: Follower;
	private closed = false;

	constructor(
		readonly path: string,
		private readonly printedUntil: number,
		private readonly onBatch: (batch: OutputBatch) => void,
		onTrouble: (message: string) => void = () => {},
	) {
		this.follower = followFile(
			path,
			0,
			{ data: (chunk) => this.onData(chunk), trouble: onTrouble },
			readIntervalMs,
		);
	}

	/** Reads what the file holds now and hands out its last line even without a newline: the
	 * run has ended. */
	async finish(): Promise<void> {
		if (this.closed) return;
		await this.follower.drain();
		const last = this.splitter.flush();
		this.deliver(last.lines, last.offset);
		this.close();
	}

	close(): void {
		this.closed = true;
		this.follower.close();
	}

	private onData(chunk: Buffer): void {
		if (this.closed) return;
		// One read may span lines printed before and new ones: cut it at the printed offset
		// (always a line end) so each part is flagged right.
		const start = this.splitter.offset + this.splitter.pending;
		const cut = this.printedUntil - start;
		const parts = cut > 0 && cut < chunk.length ? [chunk.subarray(0, cut), chunk.subarray(cut)] : [chunk];
		for (const part of parts) {
			const { lines, offset } = this.splitter.push(part);
			this.deliver(lines, offset);
		}
	}

	private deliver(lines: string[], offset: number): void {
		if (lines.length === 0) return;
		this.onBatch({ lines, offset, replay: offset <= this.printedUntil });
	}
}
