/**
 * Moves job files between the local job folder and its remote twin over the host's multiplexed
 * connection: a tar stream through `ssh`, so names are data (never parsed by a remote shell),
 * modification times are kept, and a whole set of files costs one round trip. A file that is
 * already on the other side with the same size and modification time is not sent again.
 *
 * Files coming back are unpacked into a folder of their own beside the job's and moved into
 * place only once the whole stream arrived: a link that drops mid-transfer leaves the earlier
 * local copy (a previous wave function) whole rather than a truncated file under its name.
 */
import { mkdir, mkdtemp, rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { execa } from "execa";
import { shellQuote as q } from "../shell-quote.js";
import type { SshConnection } from "./connection.js";
import { firstLine, SshError } from "./errors.js";

export interface FileStamp {
	size: number;
	/** Whole seconds since the epoch (what tar keeps). */
	mtime: number;
}

/** Size and mtime of each name in a remote folder (null: not a regular file there). */
export async function remoteStamps(
	conn: SshConnection,
	dir: string,
	names: string[],
): Promise<Map<string, FileStamp | null>> {
	const lines = names.map(
		(n, i) =>
			`if [ -f ${q(`${dir}/${n}`)} ]; then printf '${i} %s\\n' "$(stat -c '%s %Y' -- ${q(`${dir}/${n}`)})"; else echo '${i} -'; fi`,
	);
	const out = await conn.exec(lines.join("\n"));
	const stamps = new Map<string, FileStamp | null>(names.map((n) => [n, null]));
	for (const line of out.split("\n")) {
		const [i, size, mtime] = line.split(" ");
		const name = names[Number(i)];
		if (name === undefined || size === undefined || size === "-" || mtime === undefined) continue;
		stamps.set(name, { size: Number(size), mtime: Number(mtime) });
	}
	return stamps;
}

export async function localStamp(path: string): Promise<FileStamp | null> {
	try {
		const s = await stat(path);
		return s.isFile() ? { size: s.size, mtime: Math.floor(s.mtimeMs / 1000) } : null;
	} catch {
		return null;
	}
}

const same = (a: FileStamp | null | undefined, b: FileStamp | null | undefined): boolean =>
	!!a && !!b && a.size === b.size && a.mtime === b.mtime;

/** Sends the named files of `localDir` that exist and differ to `remoteDir`; returns the names sent. */
export async function upload(
	conn: SshConnection,
	localDir: string,
	names: string[],
	remoteDir: string,
): Promise<string[]> {
	const local = new Map<string, FileStamp | null>();
	for (const n of names) local.set(n, await localStamp(join(localDir, n)));
	const present = names.filter((n) => local.get(n));
	if (present.length === 0) return [];
	const remote = await remoteStamps(conn, remoteDir, present);
	const send = present.filter((n) => !same(local.get(n), remote.get(n)));
	if (send.length === 0) return [];
	const remoteScript = `mkdir -p -- ${q(remoteDir)} && exec tar -x -f - --no-same-owner --no-same-permissions -C ${q(remoteDir)}`;
	const pack = packTar(["-c", "-f", "-", "-C", localDir, "--", ...send.map((n) => `./${n}`)]);
	await pipe(pack, conn, remoteScript, "upload");
	return send;
}

/** Brings the named files of `remoteDir` that exist and differ back to `localDir`; returns the names received. */
export async function download(
	conn: SshConnection,
	remoteDir: string,
	names: string[],
	localDir: string,
): Promise<string[]> {
	const remote = await remoteStamps(conn, remoteDir, names);
	const fetch: string[] = [];
	for (const n of names) {
		const r = remote.get(n);
		if (r && !same(r, await localStamp(join(localDir, n)))) fetch.push(n);
	}
	if (fetch.length === 0) return [];
	await mkdir(localDir, { recursive: true });
	// Beside the job's files (the same file system: the moves into place are renames).
	const incoming = await mkdtemp(join(localDir, ".crystal-tui-incoming-"));
	try {
		await receive(conn, remoteDir, fetch, incoming);
		for (const n of fetch) await rename(join(incoming, n), join(localDir, n));
	} finally {
		await rm(incoming, { recursive: true, force: true });
	}
	return fetch;
}

async function receive(conn: SshConnection, remoteDir: string, fetch: string[], into: string): Promise<void> {
	const script = `cd -- ${q(remoteDir)} && exec tar -c -f - -- ${fetch.map((n) => q(`./${n}`)).join(" ")}`;
	const remoteTar = conn.spawn(script);
	remoteTar.stdin.end();
	const unpack = unpackTar(["-x", "-f", "-", "--no-same-owner", "-C", into]);
	remoteTar.stdout.pipe(unpack.stdin);
	const [r, l] = await Promise.all([finished(remoteTar), outcome(unpack)]);
	if (r.code !== 0) {
		throw (
			conn.classify(r) ??
			new SshError(
				"remote",
				`copying results back from ${conn.target.name} failed: ${firstLine(r.stderr)}`,
				r.stderr,
			)
		);
	}
	if (l.code !== 0)
		throw new Error(`unpacking results from ${conn.target.name} failed: ${firstLine(l.stderr)}`);
}

/** A local tar whose archive streams through stdin or stdout: that stream is not buffered
 * (results can be gigabytes of wave function); stderr is, for the message. */
const tarOptions = {
	buffer: { stdout: false, stderr: true },
	stripFinalNewline: false,
	reject: false,
} as const;
const packTar = (args: string[]) => execa("tar", args, { ...tarOptions, stdin: "ignore" });
const unpackTar = (args: string[]) => execa("tar", args, tarOptions);

/** How a local tar ended, in the shape `finished` gives for the remote side. */
async function outcome(
	tar: ReturnType<typeof packTar> | ReturnType<typeof unpackTar>,
): Promise<{ code: number | null; stderr: string }> {
	const r = await tar;
	return { code: r.exitCode ?? -1, stderr: r.stderr || r.shortMessage || "" };
}

async function pipe(
	packer: ReturnType<typeof packTar>,
	conn: SshConnection,
	remoteScript: string,
	what: string,
): Promise<void> {
	const remote = conn.spawn(remoteScript);
	remote.stdin.on("error", () => {
		// The remote tar failing early closes the pipe; its status and stderr say why.
	});
	packer.stdout.pipe(remote.stdin);
	const [l, r] = await Promise.all([outcome(packer), finished(remote)]);
	if (r.code !== 0) {
		throw (
			conn.classify(r) ??
			new SshError("remote", `${what} to ${conn.target.name} failed: ${firstLine(r.stderr)}`, r.stderr)
		);
	}
	if (l.code !== 0) throw new Error(`${what}: packing local files failed: ${firstLine(l.stderr)}`);
}

/** How an ssh of `conn.spawn` ended, with its stderr. */
function finished(
	child: ReturnType<SshConnection["spawn"]>,
): Promise<{ code: number | null; stderr: string }> {
	return new Promise((resolve) => {
		let stderr = "";
		child.stderr?.on("data", (d: Buffer) => {
			stderr += d.toString("utf8");
		});
		child.on("error", (e) => resolve({ code: -1, stderr: e.message }));
		child.on("close", (code) => resolve({ code, stderr }));
	});
}
