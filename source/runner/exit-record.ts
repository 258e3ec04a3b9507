/**
 * The exit record the job script writes atomically as its last act (`code=`, `started=`,
 * `ended=`, `how=` lines, then a `missing=` line for each result that could not be copied back
 * and `scratch=` for where they still are). Shared by every backend, whichever way it reads the
 * file.
 */
import type { ExitRecord } from "./backend.js";

/** The record in `text`, or null when it is not one (empty, cut short, garbled). */
export function parseExitRecord(text: string): ExitRecord | null {
	const fields = new Map<string, string>();
	const missing: string[] = [];
	for (const line of text.split("\n")) {
		const eq = line.indexOf("=");
		if (eq <= 0) continue;
		const key = line.slice(0, eq).trim();
		// File names and paths are kept as they are: they may begin or end with a space.
		const value = key === "missing" || key === "scratch" ? line.slice(eq + 1) : line.slice(eq + 1).trim();
		if (key === "missing") missing.push(value);
		else fields.set(key, value);
	}
	const code = Number.parseInt(fields.get("code") ?? "", 10);
	const endedAt = Number.parseInt(fields.get("ended") ?? "", 10);
	if (!Number.isFinite(code) || !Number.isFinite(endedAt)) return null;
	const started = Number.parseInt(fields.get("started") ?? "", 10);
	const scratch = fields.get("scratch");
	return {
		code,
		endedAt,
		startedAt: Number.isFinite(started) ? started : null,
		how: fields.get("how") === "terminated" ? "terminated" : "completed",
		...(missing.length > 0 ? { missing } : {}),
		...(scratch ? { scratch } : {}),
	};
}

/**
 * The record of a job whose exit record exists but cannot be read (empty after the disk filled
 * up, cut short, unreadable): the job is over, and it is a failure, never a success nor "still
 * running". `scratch` is where the job's scratch folder was, when that is known.
 */
export function unreadableExitRecord(path: string, why: string, scratch?: string | null): ExitRecord {
	return {
		code: -1,
		endedAt: Math.round(Date.now() / 1000),
		startedAt: null,
		how: "completed",
		unreadable: `the exit record ${path} is ${why} (a full disk?): the results may not all have been copied back${scratch ? `; the scratch copy is kept in ${scratch}` : ""}`,
	};
}

/** The exit record read from `text`, the contents of the file at `path`. */
export function exitRecordFrom(text: string, path: string, scratch?: string | null): ExitRecord {
	return (
		parseExitRecord(text) ??
		unreadableExitRecord(path, text.trim() === "" ? "empty" : "not a complete record", scratch)
	);
}
