/**
 * Streaming parser for CRYSTAL and PROPERTIES outputs. Feed it the output as it grows (chunks
 * split anywhere, or whole lines), read `progress()` for the live view and `result()` for the
 * answer so far. One pass, bounded memory, and it never throws: any input gives a result.
 */
import { actedOnStarts, dispatchLine } from "./parser/dispatch.js";
import { LineSplitter, lineStarts, normaliseLine } from "./parser/line-splitter.js";
import { buildProgress, buildResult } from "./parser/snapshot.js";
import { createState, type ParseState } from "./parser/state.js";
import type { CrystalResult, Progress } from "./result.js";

const starts = lineStarts(actedOnStarts);

export class CrystalParser {
	private readonly state: ParseState = createState();
	private readonly splitter = new LineSplitter((line) => this.handle(line), starts);

	/** A piece of the output; lines may be split across pieces, LF and CRLF mixed. */
	feed(chunk: string | Uint8Array): void {
		if (this.state.complete) return;
		try {
			this.splitter.push(chunk);
		} catch {
			// Never reached by design; a parser that throws would take the runner down with it.
		}
	}

	/** One line without its newline. */
	feedLine(line: string): void {
		if (this.state.complete) return;
		this.handle(normaliseLine(line));
	}

	/**
	 * A line the output ends inside (no newline after it), for callers that split lines
	 * themselves: read like any line, except that it can never be CRYSTAL's termination line.
	 */
	feedCutLine(line: string): void {
		if (this.state.complete) return;
		this.state.partialLine = true;
		this.handle(normaliseLine(line));
		this.state.partialLine = false;
	}

	/** The output is complete: flush a final line without newline. */
	end(): void {
		if (this.state.complete) return;
		// A line still open now was cut: CRYSTAL ends every line it writes.
		this.state.partialLine = true;
		this.splitter.end();
		this.state.partialLine = false;
		this.state.complete = true;
		if (!this.state.terminated && this.state.phase !== "starting") this.state.phase = "finished";
	}

	/** Changes whenever the live figures do (a new SCF cycle or energy, an optimisation point):
	 * lets a caller take `progress()` once per cycle rather than once per line. */
	liveMark(): number {
		const s = this.state;
		return (s.scfCycle ?? -1) * 7 + (s.scfEnergy ?? 0) + (s.optEnergy ?? 0) * 3 + (s.optPoint ?? 0) * 11;
	}

	progress(): Progress {
		return buildProgress(this.state);
	}

	result(): CrystalResult {
		return buildResult(this.state);
	}

	private handle(line: string): void {
		try {
			dispatchLine(this.state, line);
		} catch {
			// A line the handlers cannot make sense of is skipped, never fatal.
		}
		// A table being read sees every line, blank ones included.
		this.splitter.everyLine = this.state.block !== null;
	}
}
