/**
 * Plain output for pipes, CI and `ssh host crystal-tui` without a terminal: each output line
 * prefixed by its job name, then one summary line per job. Lines already delivered before a
 * re-attach (replay) are not printed again.
 */
import type { EventEmitter } from "node:events";
import { runName } from "../crystal/staging.js";
import type { JobResult, JobSpec, RunnerEvents, StateChange } from "../runner/runner.js";
import { endStates } from "../runner/runner.js";

export interface PlainWatch {
	/** Resolves when every watched job has ended; true if all succeeded. */
	done: Promise<boolean>;
	/** Once done: every job that did not succeed was stopped by the user (cancelled). */
	onlyCancelled(): boolean;
}

/** The prefix of a job's lines: its name, `NAME.d3` for a properties run beside its SCF. */
export const jobLabel = (spec: Pick<JobSpec, "name" | "program"> | undefined): string | undefined =>
	spec ? runName(spec.name, spec.program) : undefined;

export function formatResult(name: string, result: JobResult): string {
	const properties = result.crystal.calcType === "properties";
	const energy = result.finalEnergyHartree === null ? "no energy" : `E = ${result.finalEnergyHartree} Ha`;
	// A properties run computes no energy: what it leaves is files (bands, DOS, maps).
	const parts = properties ? [result.success ? "properties ended normally" : "properties"] : [energy];
	if (result.scfConverged !== null) parts.push(result.scfConverged ? "SCF converged" : "SCF NOT converged");
	if (result.optConverged !== null)
		parts.push(result.optConverged ? "optimisation converged" : "optimisation NOT converged");
	if (result.exitCode !== null && result.exitCode !== 0) parts.push(`exit ${result.exitCode}`);
	if (result.errors[0]) parts.push(result.errors[0]);
	return `[${name}] ${result.success ? "done" : "FAILED"}: ${parts.join(", ")}`;
}

export function watchPlain(
	runner: EventEmitter<RunnerEvents>,
	jobs: { id: string; name: string }[],
	write: (text: string) => void,
	/** Told after lines were written: they must not be printed again by a later client. */
	printed: (id: string, offset: number) => void = () => {},
): PlainWatch {
	const names = new Map(jobs.map((j) => [j.id, j.name]));
	const open = new Set(jobs.map((j) => j.id));
	let allGood = true;
	let failed = false;
	const done = new Promise<boolean>((resolve) => {
		const finish = (id: string, good: boolean, cancelled: boolean) => {
			if (!open.delete(id)) return;
			if (!good) allGood = false;
			if (!good && !cancelled) failed = true;
			if (open.size === 0) {
				runner.off("output", onOutput);
				runner.off("state", onState);
				runner.off("result", onResult);
				resolve(allGood);
			}
		};
		const onOutput = (id: string, batch: { lines: string[]; offset: number; replay: boolean }) => {
			const name = names.get(id);
			if (!name || batch.replay) return;
			write(batch.lines.map((l) => `[${name}] ${l}\n`).join(""));
			printed(id, batch.offset);
		};
		const results = new Map<string, JobResult>();
		const onResult = (id: string, result: JobResult) => {
			const name = names.get(id);
			if (!name) return;
			results.set(id, result);
		};
		const onState = (id: string, change: StateChange) => {
			const name = names.get(id);
			if (!name) return;
			if (change.attempt) {
				// The attempt that failed says so, then the next one begins.
				const failedAttempt = results.get(id);
				if (failedAttempt) write(`${formatResult(name, failedAttempt)}\n`);
				results.delete(id);
				write(`[${name}] recovering: ${change.attempt}\n`);
			}
			if (change.state === "queued" || change.state === "starting") return;
			if (endStates.has(change.state)) {
				const result = change.state === "cancelled" ? undefined : results.get(id);
				if (result) write(`${formatResult(name, result)}\n`);
				else write(`[${name}] ${change.state}${change.detail ? `: ${change.detail}` : ""}\n`);
				const good = change.state === "finished" && (results.get(id)?.success ?? false);
				finish(id, good, change.state === "cancelled");
			}
		};
		runner.on("output", onOutput);
		runner.on("state", onState);
		runner.on("result", onResult);
		if (open.size === 0) resolve(true);
	});
	return { done, onlyCancelled: () => !failed };
}
