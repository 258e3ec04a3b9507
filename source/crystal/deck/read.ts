/**
 * Reading a CRYSTAL deck (`.d12`) for what the runner and the UI need to know before launch:
 * its title, how the geometry is given, what kind of run it asks for and which restart files
 * it reads. Pure: takes the text, not a path.
 *
 * A deck is a title line, a geometry keyword (CRYSTAL, SLAB, POLYMER, MOLECULE, EXTERNAL, ...),
 * then keyword blocks. Keywords are upper case and alone on their line; numbers and basis sets
 * sit between them, so a keyword scan line by line is enough for these questions.
 */

export type GeometryKind = "CRYSTAL" | "SLAB" | "POLYMER" | "HELIX" | "MOLECULE" | "EXTERNAL" | "DLVINPUT";

export type DeckKind = "scf" | "optgeom" | "freq" | "elastic" | "properties";

export interface DeckInfo {
	title: string;
	geometry: GeometryKind | null;
	kind: DeckKind;
	/** GUESSP: reads the previous wave function, staged from NAME.f9 as fort.20. */
	readsWaveFunction: boolean;
	/** EXTERNAL: reads the geometry, staged from NAME.gui as fort.34. */
	readsExternalGeometry: boolean;
	/** RESTART inside OPTGEOM: reads OPTINFO.DAT (NAME.optinfo). */
	restartsOptimisation: boolean;
	/** MAXCYCLE value if given. */
	maxCycle: number | null;
	/** Every upper-case keyword line, in order (for messages and diagnosis). */
	keywords: string[];
}

const geometryKinds = new Set<GeometryKind>([
	"CRYSTAL",
	"SLAB",
	"POLYMER",
	"HELIX",
	"MOLECULE",
	"EXTERNAL",
	"DLVINPUT",
]);

const keywordLine = /^[A-Z][A-Z0-9_]*$/;

export function readDeck(text: string): DeckInfo {
	const lines = text.split(/\r?\n/).map((l) => l.trim());
	const title = lines[0] ?? "";
	const keywords: string[] = [];
	let maxCycle: number | null = null;
	let insideOptgeom = false;
	let restartsOptimisation = false;
	for (let i = 1; i < lines.length; i++) {
		const line = lines[i] ?? "";
		// Keywords may carry a trailing comment or value on some builds; the first token decides.
		const word = line.split(/\s+/)[0] ?? "";
		if (!keywordLine.test(word)) continue;
		keywords.push(word);
		if (word === "OPTGEOM") insideOptgeom = true;
		else if (word === "ENDOPT") insideOptgeom = false;
		else if (word === "RESTART" && insideOptgeom) restartsOptimisation = true;
		else if (word === "MAXCYCLE") {
			const value = Number.parseInt(lines[i + 1] ?? "", 10);
			if (Number.isFinite(value)) maxCycle = value;
		}
	}
	const has = (k: string) => keywords.includes(k);
	const geometryWord = (lines[1] ?? "").split(/\s+/)[0] ?? "";
	const geometry = geometryKinds.has(geometryWord as GeometryKind) ? (geometryWord as GeometryKind) : null;
	const kind: DeckKind = has("OPTGEOM")
		? "optgeom"
		: has("FREQCALC")
			? "freq"
			: has("ELASTCON") || has("ELAPIEZO")
				? "elastic"
				: "scf";
	return {
		title,
		geometry,
		kind,
		readsWaveFunction: has("GUESSP"),
		readsExternalGeometry: geometry === "EXTERNAL",
		restartsOptimisation,
		maxCycle,
		keywords,
	};
}

/**
 * A properties deck (`.d3`): no title and no geometry, only keyword blocks (NEWK, BAND, DOSS,
 * ECH3, ...) closed by END. Its "title" is the first block's title line when one has one
 * (BAND's), for the pane; what matters before launch is that it asks for something.
 */
export function readPropertiesDeck(text: string): DeckInfo {
	const lines = text.split(/\r?\n/).map((l) => l.trim());
	const keywords: string[] = [];
	let title = "";
	for (let i = 0; i < lines.length; i++) {
		const word = (lines[i] ?? "").split(/\s+/)[0] ?? "";
		if (!keywordLine.test(word)) continue;
		keywords.push(word);
		if (word === "BAND" && !title) title = lines[i + 1] ?? "";
	}
	return {
		title,
		geometry: null,
		kind: "properties",
		readsWaveFunction: true,
		readsExternalGeometry: false,
		restartsOptimisation: false,
		maxCycle: null,
		keywords,
	};
}
