/**
 * `crystal-tui export JOB --format cif|xyz|json|bands|dos [-o FILE]`: a job's answer as a file
 * for other programs. cif, xyz and json read the job's NAME.out in the project folder (the
 * current one) and parse it: no runner is needed, a finished or running job can be exported.
 * bands and dos read what its properties run left: NAME_BAND.DAT / NAME_DOSS.DAT, else NAME.f25.
 */
import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { basename, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { parseFile } from "../crystal/parse-file.js";
import { bandsCsv, dosCsv } from "../crystal/properties/csv.js";
import { ExportError, toCif, toExtendedXyz } from "../crystal/structure-export.js";
import { readPropertiesFiles } from "../jobs/properties-files.js";
import { jsonRecord } from "./parse.js";

export const exportFormats = ["cif", "xyz", "json", "bands", "dos"] as const;
type Format = (typeof exportFormats)[number];

const usage = "usage: crystal-tui export JOB --format cif|xyz|json|bands|dos [-o FILE]";

/** Exit 0 when the file was written, 2 with a message naming the file or value otherwise. */
export async function runExport(
	argv: string[],
	cwd: string,
	out: NodeJS.WritableStream,
	err: NodeJS.WritableStream,
): Promise<number> {
	const fail = (message: string) => {
		err.write(`crystal-tui export: ${message}\n`);
		return 2;
	};
	let parsed: ReturnType<typeof parseArguments>;
	try {
		parsed = parseArguments(argv);
	} catch (error) {
		return fail(`${error instanceof Error ? error.message : String(error)}\n${usage}`);
	}
	const { job, format, output } = parsed;
	const name = jobName(job);
	if (name === null)
		return fail(`"${job}" is not a job name (a deck's name, e.g. mgo for mgo.d12)\n${usage}`);
	let text: string;
	try {
		text = await exportText(name, format, cwd);
	} catch (error) {
		if (error instanceof ExportError) return fail(error.message);
		throw error;
	}
	if (output === undefined) {
		out.write(text);
		return 0;
	}
	try {
		await writeFile(resolve(cwd, output), text);
	} catch (error) {
		return fail(`cannot write ${output}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
	}
	return 0;
}

function parseArguments(argv: string[]): { job: string; format: Format; output: string | undefined } {
	const { values, positionals } = parseArgs({
		args: argv,
		options: { format: { type: "string" }, output: { type: "string", short: "o" } },
		allowPositionals: true,
		strict: true,
	});
	if (positionals.length !== 1) throw new Error(`name one job (got ${positionals.length})`);
	const format = values.format;
	if (format === undefined) throw new Error("--format is needed");
	if (!(exportFormats as readonly string[]).includes(format)) {
		throw new Error(`--format ${format}: expected one of ${exportFormats.join(", ")}`);
	}
	return { job: positionals[0] ?? "", format: format as Format, output: values.output };
}

/** `mgo`, `mgo.d12`, `mgo.d3` or `mgo.out` name the job mgo; a path outside the folder does not. */
function jobName(job: string): string | null {
	const name = job.replace(/\.(d12|d3|out)$/, "");
	if (name === "" || name !== basename(name) || name.startsWith(".")) return null;
	return name;
}

async function exportText(name: string, format: Format, cwd: string): Promise<string> {
	if (format === "bands" || format === "dos") return propertiesCsv(name, format, cwd);
	const file = `${name}.out`;
	const path = join(cwd, file);
	if (!existsSync(path)) throw new ExportError(`${file} not found in ${cwd}: has job ${name} been run here?`);
	const result = await parseFile(path);
	if (format === "json") return `${JSON.stringify(jsonRecord(file, result), null, 2)}\n`;
	const geometry = result.finalGeometry;
	if (geometry === null) {
		const why =
			result.calcType === "optgeom"
				? "the optimisation has not printed its FINAL OPTIMIZED GEOMETRY (not finished, or it failed before)"
				: "it holds no geometry block";
		throw new ExportError(`${file} has no final structure to export: ${why}`);
	}
	try {
		if (format === "cif") return toCif(geometry, name);
		return toExtendedXyz(geometry, {
			source: file,
			...(result.finalEnergyHartree === null ? {} : { energy_hartree: result.finalEnergyHartree }),
		});
	} catch (error) {
		if (error instanceof ExportError) throw new ExportError(`${file}: ${error.message}`);
		throw error;
	}
}

/** The properties files of job NAME as its staging names them. */
async function propertiesCsv(name: string, format: "bands" | "dos", cwd: string): Promise<string> {
	const files = await readPropertiesFiles(cwd, name);
	const problem = files.problems[0];
	if (format === "bands" && files.bands) return bandsCsv(files.bands);
	if (format === "dos" && files.dos) return dosCsv(files.dos);
	if (problem) throw new ExportError(problem);
	const dat = format === "bands" ? `${name}_BAND.DAT` : `${name}_DOSS.DAT`;
	const fort25 = `${name}.f25`;
	if (existsSync(join(cwd, fort25)))
		throw new ExportError(`${fort25} holds no ${format === "bands" ? "BAND" : "DOSS"} blocks`);
	throw new ExportError(`neither ${dat} nor ${fort25} in ${cwd}: run the properties deck ${name}.d3 first`);
}
