/**
 * Frozen runs: a job whose process lives but whose NAME.out has not grown for `frozen_minutes`
 * (a hung MPI rank, a dead file system, a deadlock in a library) is flagged in its detail and
 * to the clients, which notify; it is never stopped or restarted from here, since a long quiet
 * stretch can be honest work (a large integral pass prints nothing for a while). The flag
 * clears itself when output comes again.
 */
import { stat } from "node:fs/promises";
import { localOutputPath } from "../runner/output-mirror.js";
import type { HostedProject } from "./hosted.js";

const defaultFrozenMinutes = 30;

/** What the last look saw of a running job's output: the bytes received by then, and since
 * when no more came (when the last of them came). */
interface Heard {
	run: number;
	bytes: number;
	since: number;
}

/** By project folder and job id. The follower counts every byte of NAME.out as it comes (for a
 * remote job too, as it is mirrored), so a look needs the file only the first time it sees a
 * run: then its modification time says since when it is quiet (a run re-adopted by a new
 * supervisor may have been quiet for long). */
const heard = new Map<string, Map<string, Heard>>();

export async function flagFrozen(entry: HostedProject, now = Date.now()): Promise<void> {
	const { runner, store } = entry.project;
	const before = heard.get(entry.dir) ?? new Map<string, Heard>();
	const seen = new Map<string, Heard>();
	heard.set(entry.dir, seen);
	for (const record of store.list()) {
		if (record.state !== "running" || !record.handle || !runner.isRunning(record.jobId)) continue;
		const minutes = record.spec.recovery?.frozenMinutes ?? defaultFrozenMinutes;
		const received = runner.outputReceived(record.jobId);
		const bytes = received?.bytes ?? 0;
		let last = before.get(record.jobId);
		if (last?.run === record.handle.launchedAt) {
			if (bytes !== last.bytes) last = { run: last.run, bytes, since: received?.at ?? now };
		} else {
			try {
				const path = localOutputPath(
					record.spec,
					record.handle,
					runner.outputIsRemote(record.spec, record.handle),
				);
				const info = await stat(path);
				last = { run: record.handle.launchedAt, bytes, since: Math.max(info.mtimeMs, record.startedAt ?? 0) };
			} catch {
				continue;
			}
		}
		seen.set(record.jobId, last);
		// No output at all yet (a job pending in SLURM's queue): nothing to call frozen.
		if (bytes === 0) continue;
		const quietMs = now - last.since;
		const frozen = quietMs >= minutes * 60_000;
		const current = store.get(record.jobId);
		if (!current || frozen === Boolean(current.frozenAt)) continue;
		const detail = frozen
			? `frozen? no new output for ${Math.floor(quietMs / 60_000)} min ${Math.floor((quietMs % 60_000) / 1000)} s while the job still runs (frozen_minutes ${minutes}): stop or restart it if it is stuck`
			: "running";
		store.put({ ...current, detail, frozenAt: frozen ? now : null });
		runner.emit("state", record.jobId, { state: "running", detail, frozen });
	}
}
