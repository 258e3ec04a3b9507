/**
 * Quoting for values that reach a POSIX shell (job scripts, ssh command lines, sbatch
 * scripts). Single quotes make every byte literal except the quote itself, which is closed,
 * escaped and reopened. NUL cannot be passed through a shell at all and is refused.
 */

export class UnsafeValueError extends Error {
	override name = "UnsafeValueError";
}

export function shellQuote(value: string, what = "value"): string {
	if (value.includes("\0"))
		throw new UnsafeValueError(`${what} contains a NUL byte: ${JSON.stringify(value)}`);
	if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(value)) return value;
	return `'${value.replaceAll("'", `'\\''`)}'`;
}

/** A shell variable or environment name: refused unless it is a plain identifier. */
export function shellName(value: string, what = "name"): string {
	if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(value)) {
		throw new UnsafeValueError(`${what} ${JSON.stringify(value)} is not a valid shell variable name`);
	}
	return value;
}

/** A value for a #SBATCH line or another line-oriented header: no newline, no control byte. */
export function singleLine(value: string, what = "value"): string {
	// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
	if (/[\0-\x1f\x7f]/.test(value)) {
		throw new UnsafeValueError(`${what} ${JSON.stringify(value)} contains a newline or control character`);
	}
	return value;
}
