/**
 * The error of a configuration mistake, naming the file and the key path. A module of its own
 * so that the command line can tell it from other errors without loading the configuration
 * reader (its TOML parser and schemas), which most commands never need.
 */
export class ConfigError extends Error {
	override name = "ConfigError";
}
