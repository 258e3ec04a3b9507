/**
 * Reading jobs' whole logs for the zoomed view: a page at a time through a line index of each
 * file (scrolling back reads a page, not the file), and search over all of it.
 */

import type { LogSlice } from "./controller.js";
import { LogIndex } from "./log-index.js";
import { type SearchDirection, searchLines } from "./log-search.js";

export class JobLogs {
	/** Line indexes of the logs read so far, by path. */
	private readonly indexes = new Map<string, LogIndex>();

	async read(path: string, start: number, count: number): Promise<LogSlice> {
		const index = this.indexFor(path);
		try {
			await index.refresh();
			return { lines: await index.read(start, count), total: index.total };
		} catch {
			return { lines: [], total: 0 };
		}
	}

	async search(
		path: string,
		test: (line: string) => boolean,
		from: number | null,
		direction: SearchDirection,
	): Promise<number | null> {
		const index = this.indexFor(path);
		await index.refresh();
		return searchLines((start, count) => index.read(start, count), index.total, test, from, direction);
	}

	private indexFor(path: string): LogIndex {
		let index = this.indexes.get(path);
		if (!index) {
			index = new LogIndex(path);
			this.indexes.set(path, index);
		}
		return index;
	}
}
