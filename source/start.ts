/**
 * The first module of the bundle (dist/cli.js): turns on V8's compile cache, so that from the
 * second start on the program's code is not parsed and compiled again, then loads the program.
 * The cache lives in the user's own cache folder (not a /tmp folder another user may own) and
 * is keyed by Node on the file contents: a rebuilt or upgraded crystal-tui misses it once.
 */
import module from "node:module";
import { homedir } from "node:os";
import { join } from "node:path";
import { plainParse } from "./commands/plain-parse.js";

// Node >= 22.1; without it (or when the folder cannot be written) the program starts uncached.
module.enableCompileCache?.(
	join(process.env.XDG_CACHE_HOME || join(homedir(), ".cache"), "crystal-tui", "v8"),
);
// A plain `parse FILE...` loads only the parser; everything else, the whole command line.
if (plainParse(process.argv.slice(2))) await import("./commands/parse-main.js");
else await import("./cli.js");
