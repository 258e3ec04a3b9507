/**
 * Finding a line in a whole log, read a block at a time, in the order vim's n and N take:
 * from a line towards older (or newer) ones, wrapping around the ends once.
 */

/** Lines read at once. */
const blockLines = 4096;

export type SearchDirection = "older" | "newer";

/**
 * The number of the first line, in `direction` from `from` (not included; null: from the end
 * for "older", from the start for "newer"), that `test` accepts; null when none does.
 */
export async function searchLines(
	read: (start: number, count: number) => Promise<string[]>,
	total: number,
	test: (line: string) => boolean,
	from: number | null,
	direction: SearchDirection,
): Promise<number | null> {
	if (total <= 0) return null;
	const older = direction === "older";
	// Line numbers in search order: [begin, end) walked down or up, then the wrapped part.
	const spans: [number, number][] = older
		? [
				[0, from ?? total],
				[from ?? total, total],
			]
		: [
				[from === null ? 0 : from + 1, total],
				[0, from === null ? 0 : from + 1],
			];
	for (const [begin, end] of spans) {
		if (older) {
			for (let top = end; top > begin; top -= blockLines) {
				const start = Math.max(begin, top - blockLines);
				const lines = await read(start, top - start);
				for (let i = lines.length - 1; i >= 0; i--) if (test(lines[i] as string)) return start + i;
			}
		} else {
			for (let start = begin; start < end; start += blockLines) {
				const lines = await read(start, Math.min(blockLines, end - start));
				for (let i = 0; i < lines.length; i++) if (test(lines[i] as string)) return start + i;
			}
		}
	}
	return null;
}
