/** The program for a plain `parse` command line (see plain-parse.ts): the parser and nothing else. */
import { runParse } from "./parse.js";
import { plainParse } from "./plain-parse.js";

const line = plainParse(process.argv.slice(2));
if (line) process.exitCode = await runParse(line.files, { json: line.json }, process.stdout, process.stderr);
