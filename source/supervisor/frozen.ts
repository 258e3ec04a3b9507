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

export async function flagFrozen(entry: HostedProject, now = Date.now()): Promise<void> {
	const { runner, store } = entry.project;
	for (const record of store.list()) {
		if (record.state !== "running" || !record.handle || !runner.isRunning(record.jobId)) continue;
		const minutes = record.spec.recovery?.frozenMinutes ?? defaultFrozenMinutes;
		let quietMs: number;
		try {
			const path = localOutputPath(
				record.spec,
				record.handle,
				runner.outputIsRemote(record.spec, record.handle),
			);
			const info = await stat(path);
			// No output at all yet (a job pending in SLURM's queue): nothing to call frozen.
			if (info.size === 0) continue;
			quietMs = now - Math.max(info.mtimeMs, record.startedAt ?? 0);
		} catch {
			continue;
		}
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
