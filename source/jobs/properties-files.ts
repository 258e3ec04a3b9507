/**
 * What a properties run left in its job folder, read back as plain arrays: the band structure
 * from NAME_BAND.DAT (else the BAND blocks of NAME.f25) and the density of states from
 * NAME_DOSS.DAT (else the DOSS blocks of NAME.f25), by the names the staging table gives them.
 * Used by the result view of a properties job and by `export --format bands|dos`.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { readBandDat } from "../crystal/properties/band-dat.js";
import type { BandStructure, DensityOfStates } from "../crystal/properties/data.js";
import { readDossDat } from "../crystal/properties/doss-dat.js";
import { readFort25 } from "../crystal/properties/fort25.js";

export interface PropertiesFiles {
	bands: BandStructure | null;
	/** The file the bands were read from (NAME_BAND.DAT or NAME.f25). */
	bandsFile: string | null;
	dos: DensityOfStates | null;
	dosFile: string | null;
	/** A file that is there but could not be read, with the line and why. */
	problems: string[];
}

const absent = (error: unknown) => (error as NodeJS.ErrnoException).code === "ENOENT";

async function text(path: string): Promise<string | null> {
	try {
		return await readFile(path, "utf8");
	} catch (error) {
		if (absent(error)) return null;
		throw error;
	}
}

/** Reads the files of job NAME in `dir`; a missing file is no error (nothing of that kind). */
export async function readPropertiesFiles(dir: string, name: string): Promise<PropertiesFiles> {
	const found: PropertiesFiles = { bands: null, bandsFile: null, dos: null, dosFile: null, problems: [] };
	const attempt = <T>(file: string, work: () => T): T | null => {
		try {
			return work();
		} catch (error) {
			found.problems.push(`${file}: ${error instanceof Error ? error.message : String(error)}`);
			return null;
		}
	};
	const bandDat = `${name}_BAND.DAT`;
	const dossDat = `${name}_DOSS.DAT`;
	const fort25 = `${name}.f25`;
	const [bandText, dossText, fort25Text] = await Promise.all([
		text(join(dir, bandDat)),
		text(join(dir, dossDat)),
		text(join(dir, fort25)),
	]);
	if (bandText !== null) {
		found.bands = attempt(bandDat, () => readBandDat(bandText));
		if (found.bands) found.bandsFile = bandDat;
	}
	if (dossText !== null) {
		found.dos = attempt(dossDat, () => readDossDat(dossText));
		if (found.dos) found.dosFile = dossDat;
	}
	if (fort25Text !== null && (!found.bands || !found.dos)) {
		const plots = attempt(fort25, () => readFort25(fort25Text));
		if (plots?.bands && !found.bands) {
			found.bands = plots.bands;
			found.bandsFile = fort25;
		}
		if (plots?.dos && !found.dos) {
			found.dos = plots.dos;
			found.dosFile = fort25;
		}
	}
	return found;
}
