/**
 * Follows a growing local file by byte offset: each read starts where the previous one ended,
 * so nothing is skipped or read twice, whether the file grows a line at a time or in bursts.
 * Polls (a few times a second) rather than relying on inotify, which misses writes on network
 * file systems such as the NFS home folders of clusters.
 */
import { open } from "node:fs/promises";
import type { FollowCallbacks, Follower } from "./backend.js";

/** Bytes per read. One buffer per followed file, reused for every read: a fresh megabyte per
 * poll (4 a second per job) is memory the process keeps touching and the garbage collector
 * must keep freeing. A long catch-up is simply more reads. */
const chunkBytes = 64 << 10;

export function followFile(
	path: string,
	offset: number,
	callbacks: FollowCallbacks,
	intervalMs = 250,
): Follower {
	let position = offset;
	let closed = false;
	// Reads are chained (one at a time), so one buffer serves them all.
	const buffer = Buffer.allocUnsafe(chunkBytes);

	// Opened anew at each poll: on NFS only a fresh open is sure to see what another node (the
	// SLURM compute node writing NAME.out) has appended since (close-to-open consistency).
	const readAvailable = async (): Promise<void> => {
		let handle: Awaited<ReturnType<typeof open>>;
		try {
			handle = await open(path, "r");
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== "ENOENT") {
				callbacks.trouble(`cannot read ${path}: ${(error as Error).message}`);
			}
			return;
		}
		try {
			for (;;) {
				const { bytesRead } = await handle.read(buffer, 0, chunkBytes, position);
				if (bytesRead === 0 || closed) break;
				position += bytesRead;
				callbacks.data(Buffer.from(buffer.subarray(0, bytesRead)));
			}
		} finally {
			await handle.close();
		}
	};

	// One read at a time: a drain while a poll is reading waits for it, then reads the rest.
	let chain: Promise<void> = Promise.resolve();
	let pending = 0;
	const read = (): Promise<void> => {
		pending++;
		chain = chain
			.then(readAvailable)
			.catch((error: Error) => callbacks.trouble(`cannot read ${path}: ${error.message}`))
			.finally(() => {
				pending--;
			});
		return chain;
	};

	const timer = setInterval(() => {
		if (pending === 0) void read();
	}, intervalMs);
	void read();

	return {
		drain: () => read(),
		close: () => {
			closed = true;
			clearInterval(timer);
		},
	};
}
