/**
 * Messages: CRYSTAL's ` ERROR **** ROUTINE **** MESSAGE` and ` WARNING **** ROUTINE **** ...`
 * lines, and the few scheduler / runtime lines that explain why a run stopped. Only CRYSTAL's
 * own ERROR lines are errors; a PBS `Error_Path` header or an Lmod banner is not.
 */
import { diagnoseLine } from "../diagnosis.js";
import { scfFailureLine } from "./scf.js";
import { addMessage, maxMessages, type ParseState } from "./state.js";

const errorPattern = /^\s*ERROR \*{4}.*\*{4}/;
const warningPattern = /^\s*WARNING \*{4}.*\*{4}/;

const scfErrorPattern = /\bSCF\b|TOO MANY CYCLES/;

export function errorLine(state: ParseState, line: string): void {
	if (!errorPattern.test(line)) return;
	addMessage(state.errors, line.trim());
	if (scfErrorPattern.test(line)) scfFailureLine(state);
	diagnose(state, line);
}

export function warningLine(state: ParseState, line: string): void {
	if (!warningPattern.test(line)) return;
	addMessage(state.warnings, line.trim());
	diagnose(state, line);
}

/** Adds the catalogue entry for a line, once per entry (the first line that shows it). */
export function diagnose(state: ParseState, line: string): void {
	const diagnosis = diagnoseLine(line);
	if (diagnosis === null || state.diagnoses.length >= maxMessages) return;
	if (state.diagnoses.some((known) => known.id === diagnosis.id)) return;
	state.diagnoses.push(diagnosis);
}
