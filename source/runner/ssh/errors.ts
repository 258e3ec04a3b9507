/**
 * What went wrong on the way to a remote host, told the way a user can act on it. OpenSSH
 * reports its own failures on stderr with exit status 255; the remote side's failures that
 * matter (a full disk, CRYSTAL missing) are recognised by their messages.
 */

export type SshFailure =
	| "unreachable"
	| "authentication"
	| "host-key"
	| "disk-full"
	| "crystal-missing"
	| "remote";

export class SshError extends Error {
	override name = "SshError";
	constructor(
		readonly failure: SshFailure,
		message: string,
		readonly stderr = "",
	) {
		super(message);
	}
}

/** The first meaningful stderr line, for messages (ssh banners and blank lines dropped). */
export function firstLine(stderr: string): string {
	return (
		stderr
			.split("\n")
			.map((l) => l.trim())
			.find((l) => l && !l.startsWith("Warning: Permanently added")) ?? ""
	);
}

/**
 * Turns a failed ssh run into an SshError, or null when the remote command itself failed for a
 * reason not listed here. `host` is the configured host name, `hostsFile` the file that defines it.
 */
export function classifySshFailure(
	code: number | null,
	stderr: string,
	host: string,
	where: string,
): SshError | null {
	const line = firstLine(stderr);
	if (/No space left on device|Disk quota exceeded|Wrote only \d+ of \d+ bytes/i.test(stderr)) {
		return new SshError(
			"disk-full",
			`remote disk full on ${host}: ${line || "no space left on device"} (free space under the remote root, or set remote_root in ${where})`,
			stderr,
		);
	}
	if (code !== 255) return null;
	if (/REMOTE HOST IDENTIFICATION HAS CHANGED|Host key for .* has changed/i.test(stderr)) {
		return new SshError(
			"host-key",
			`the host key of ${host} has CHANGED since it was recorded in known_hosts: crystal-tui refuses to connect (if the host was really reinstalled, remove the old key with ssh-keygen -R and connect once by hand)`,
			stderr,
		);
	}
	if (/Host key verification failed|No .*host key is known/i.test(stderr)) {
		return new SshError(
			"host-key",
			`the host key of ${host} is not in known_hosts, so crystal-tui refuses to connect: connect once with ssh by hand to check and record it, or set accept_new_host_key = true in ${where}`,
			stderr,
		);
	}
	if (/Permission denied|Too many authentication failures|no more authentication methods/i.test(stderr)) {
		return new SshError(
			"authentication",
			`authentication refused by ${host} (${line}): crystal-tui uses keys only, never passwords; load your key into ssh-agent or set identity_file in ${where}`,
			stderr,
		);
	}
	if (
		/Could not resolve hostname|Connection refused|Connection timed out|timed out|No route to host|Network is unreachable|Connection closed|Connection reset|kex_exchange_identification|Broken pipe|Control socket connect|lost connection/i.test(
			stderr,
		) ||
		stderr.trim() === ""
	) {
		return new SshError(
			"unreachable",
			`host ${host} is unreachable: ${line || "the connection closed"}`,
			stderr,
		);
	}
	return new SshError("unreachable", `ssh to ${host} failed: ${line}`, stderr);
}
