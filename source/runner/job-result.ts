/**
 * From the parser's verdict and the exit record to the JobResult and end state. A run counts
 * as a success only if CRYSTAL exited 0, terminated normally, its SCF (and optimisation)
 * converged and it printed no error: a MAXCYCLE stop that still terminates normally is a
 * failure, never shown as converged. A run whose results did not all come back, or whose exit
 * record cannot be read, is a failure too, whatever CRYSTAL said.
 */
import type { CrystalResult } from "../crystal/result.js";
import type { ExitRecord } from "./backend.js";
import type { JobResult, JobState } from "./runner.js";

export function jobResult(
	jobId: string,
	crystal: CrystalResult,
	exit: ExitRecord | null,
	wallTimeSeconds: number | null,
): JobResult {
	const exitCode = exit && !exit.unreadable ? exit.code : null;
	const leftBehind = resultsLeftBehind(exit);
	const errors = leftBehind ? [leftBehind, ...crystal.errors] : crystal.errors;
	const success =
		exitCode === 0 &&
		!leftBehind &&
		crystal.terminatedNormally &&
		crystal.scfConverged !== false &&
		crystal.optConverged !== false &&
		crystal.errors.length === 0;
	return {
		jobId,
		success,
		finalEnergyHartree: crystal.finalEnergyHartree,
		scfConverged: crystal.scfConverged,
		optConverged: crystal.optConverged,
		errors,
		warnings: crystal.warnings,
		exitCode,
		wallTimeSeconds,
		crystal,
	};
}

/** What was left behind, for the user: each result not copied back and where its copy is, or
 * why the exit record could not be read; null when nothing was. */
export function resultsLeftBehind(exit: ExitRecord | null): string | null {
	if (!exit) return null;
	if (exit.unreadable) return exit.unreadable;
	if (exit.notRetrieved) return exit.notRetrieved;
	if (!exit.missing?.length) return null;
	const where = exit.scratch ? `; the scratch copy is kept in ${exit.scratch}` : "";
	return `results not copied back: ${exit.missing.join(", ")}${where}`;
}

/** Who stopped a run: a stop asked for here, or one from outside crystal-tui (SLURM says
 * CANCELLED: an scancel in another shell, an administrator); null: nobody. */
export type StoppedBy = "here" | "outside" | null;

/**
 * The end state: cancelled when someone stopped it; failed when something else terminated it
 * (a scheduler's time limit, a kill by hand); lost when it vanished without a record.
 */
export function endState(result: JobResult, exit: ExitRecord | null, stoppedBy: StoppedBy): JobState {
	if (stoppedBy && !result.success) return "cancelled";
	if (!exit) return "lost";
	return result.success ? "finished" : "failed";
}

/** One line on how it ended; what the backend saw last (e.g. SLURM's TIMEOUT) wins. */
export function endDetail(
	result: JobResult,
	exit: ExitRecord | null,
	state: JobState,
	backendDetail?: string,
	stoppedBy: StoppedBy = null,
): string {
	if (backendDetail && state !== "finished" && state !== "cancelled") return backendDetail;
	switch (state) {
		case "finished":
			if (result.crystal.calcType === "properties") return "properties ended normally";
			return result.finalEnergyHartree === null ? "done" : `E = ${result.finalEnergyHartree} Ha`;
		case "cancelled":
			return stoppedBy === "outside"
				? `cancelled outside crystal-tui (${backendDetail ?? "by the scheduler"})`
				: "stopped by the user";
		case "lost":
			return "ended without an exit record (killed, or the machine restarted)";
		default: {
			const leftBehind = resultsLeftBehind(exit);
			if (leftBehind) return leftBehind;
			if (result.scfConverged === false) return "SCF did not converge";
			if (result.optConverged === false) return "optimisation did not converge";
			if (result.errors[0]) return result.errors[0];
			if (exit?.how === "terminated")
				return `terminated by a signal from outside crystal-tui (${exitDescription(exit.code)})`;
			if (exit && exit.code !== 0) return exitDescription(exit.code);
			return "CRYSTAL did not terminate normally";
		}
	}
}

export function exitDescription(code: number): string {
	if (code === 127) return "exit 127: CRYSTAL executable not found";
	if (code > 128 && code < 160) {
		const names: Record<number, string> = {
			6: "SIGABRT",
			9: "SIGKILL",
			11: "SIGSEGV",
			15: "SIGTERM",
			7: "SIGBUS",
		};
		const signal = code - 128;
		return `killed by ${names[signal] ?? `signal ${signal}`} (exit ${code})`;
	}
	return `exit ${code}`;
}
