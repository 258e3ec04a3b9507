/** Number reading for CRYSTAL's Fortran output. */

/**
 * Reads one Fortran-formatted number: `-3.1282834832786E+03`, `-0.1384971878E+05`,
 * `.1873113696D+02`. An overflow field (`**********`) or anything else unreadable gives null.
 */
export function fortranNumber(text: string | undefined): number | null {
	if (text === undefined || text.length === 0 || text.includes("*")) return null;
	const value = Number(text.includes("D") || text.includes("d") ? text.replace(/[Dd]/, "E") : text);
	return Number.isFinite(value) ? value : null;
}

/** Reads a whole number; null if the text is not one. */
export function wholeNumber(text: string | undefined): number | null {
	if (text === undefined || !/^\d+$/.test(text)) return null;
	return Number(text);
}
