/** The `TTTT...` timing lines and the final `EEEEEEEEEE TERMINATION` line. */
import { closeGapGroup } from "./band-gap.js";
import { fortranNumber } from "./numbers.js";
import type { ParseState } from "./state.js";

const timingPattern = /^\s*T+\s+(.*?)\s*TELAPSE\s+(\S+)\s+TCPU\s+(\S+)/;

/**
 * `TTTTTTTTTTTTTTTTTTTTTTTTTTTTTT END         TELAPSE     3018.29 TCPU     2720.96`. Every step
 * prints one; only the step called `END` (or `ERR` when CRYSTAL stops on an error) gives the
 * run's wall and CPU time. `ECH3 END` and `AFTER FIRST` are steps, not the end.
 */
export function timingLine(state: ParseState, line: string): void {
	closeGapGroup(state);
	const match = timingPattern.exec(line);
	if (!match) return;
	const step = match[1] ?? "";
	const elapsed = fortranNumber(match[2]);
	if (elapsed !== null) state.elapsed = elapsed;
	if (step === "END" || step === "ERR") {
		state.wallTime = elapsed;
		state.cpuTime = fortranNumber(match[3]);
	} else if ((step === "INT_SCREEN" || step === "INT_CALC") && state.phase === "input") {
		state.phase = "integrals";
	}
}

/**
 * ` EEEEEEEEEE TERMINATION  DATE ...`; `EEEEEEEEEE INT_CALC TERMINATION` is not the end, and
 * neither is the start of the line in an output cut inside it (a full disk, a killed copy).
 */
export function terminationLine(state: ParseState): void {
	if (state.partialLine) return;
	state.terminated = true;
	state.phase = "finished";
}
