/**
 * The exit record the job script writes atomically as its last act (`code=`, `started=`,
 * `ended=`, `how=` lines). Shared by every backend, whichever way it reads the file.
 */
import type { ExitRecord } from "./backend.js";

export function parseExitRecord(text: string): ExitRecord | null {
	const fields = new Map<string, string>();
	for (const line of text.split("\n")) {
		const eq = line.indexOf("=");
		if (eq > 0) fields.set(line.slice(0, eq).trim(), line.slice(eq + 1).trim());
	}
	const code = Number.parseInt(fields.get("code") ?? "", 10);
	const endedAt = Number.parseInt(fields.get("ended") ?? "", 10);
	if (!Number.isFinite(code) || !Number.isFinite(endedAt)) return null;
	const started = Number.parseInt(fields.get("started") ?? "", 10);
	return {
		code,
		endedAt,
		startedAt: Number.isFinite(started) ? started : null,
		how: fields.get("how") === "terminated" ? "terminated" : "completed",
	};
}
