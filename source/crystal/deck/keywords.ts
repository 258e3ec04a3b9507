/**
 * The keywords the deck editor may write, with the block CRYSTAL reads each one in and the
 * value lines that follow it. An edit of a keyword not listed here is refused rather than
 * guessed: a wrong count of value lines would shift every line after it.
 */

export type EditBlock = "scf" | "optgeom";

export interface KeywordRule {
	/** The block a bare edit of this keyword goes to (MAXCYCLE also exists in OPTGEOM). */
	block: EditBlock;
	/** Blocks where the keyword is allowed at all. */
	blocks: readonly EditBlock[];
	/** Value lines after the keyword line; `next` holds the lines after it, trimmed. */
	valueLines: (next: readonly string[]) => number;
	/** Keywords of the same block that this one replaces (one SCF mixer at a time). */
	replaces?: readonly string[];
	/** CRYSTAL's value when the deck does not give the keyword (CRYSTAL17 prints "NEW
	 * DEFAULT: FOCK/KS MATRIX MIXING SET TO 30 %"), per block. */
	defaults?: Partial<Record<EditBlock, readonly string[]>>;
}

const none = () => 0;
const one = () => 1;

/** SHRINK IS ISP; with IS = 0 a second line gives the three shrinking factors. */
const shrinkLines = (next: readonly string[]) => ((next[0] ?? "").split(/\s+/)[0] === "0" ? 2 : 1);

export const keywordRules: Readonly<Record<string, KeywordRule>> = {
	MAXCYCLE: {
		block: "scf",
		blocks: ["scf", "optgeom"],
		valueLines: one,
		defaults: { scf: ["50"], optgeom: ["100"] },
	},
	FMIXING: { block: "scf", blocks: ["scf"], valueLines: one, defaults: { scf: ["30"] } },
	LEVSHIFT: { block: "scf", blocks: ["scf"], valueLines: one },
	SMEAR: { block: "scf", blocks: ["scf"], valueLines: one },
	TOLDEE: { block: "scf", blocks: ["scf", "optgeom"], valueLines: one },
	TOLINTEG: { block: "scf", blocks: ["scf"], valueLines: one },
	SHRINK: { block: "scf", blocks: ["scf"], valueLines: shrinkLines },
	GUESSP: { block: "scf", blocks: ["scf"], valueLines: none },
	BROYDEN: { block: "scf", blocks: ["scf"], valueLines: one, replaces: ["ANDERSON", "DIIS"] },
	ANDERSON: { block: "scf", blocks: ["scf"], valueLines: none, replaces: ["BROYDEN", "DIIS"] },
	DIIS: { block: "scf", blocks: ["scf"], valueLines: none, replaces: ["BROYDEN", "ANDERSON"] },
	RESTART: { block: "optgeom", blocks: ["optgeom"], valueLines: none },
	FINALRUN: { block: "optgeom", blocks: ["optgeom"], valueLines: one },
	TOLDEG: { block: "optgeom", blocks: ["optgeom"], valueLines: one },
	TOLDEX: { block: "optgeom", blocks: ["optgeom"], valueLines: one },
};
