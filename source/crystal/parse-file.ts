/**
 * Parses a whole output file from disk by streaming it through the parser: memory stays bounded
 * whatever the size of the file. The only I/O in source/crystal/.
 */
import { createReadStream } from "node:fs";
import { CrystalParser } from "./parser.js";
import type { CrystalResult } from "./result.js";

/** Rejects (with Node's error naming the path) when the file cannot be read. */
export async function parseFile(path: string): Promise<CrystalResult> {
	const parser = new CrystalParser();
	const stream = createReadStream(path, { highWaterMark: 1 << 20 });
	for await (const chunk of stream) parser.feed(chunk as Buffer);
	parser.end();
	return parser.result();
}
