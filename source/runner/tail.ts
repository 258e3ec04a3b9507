/**
 * Follows a growing local file by byte offset: each read starts where the previous one ended,
 * so nothing is skipped or read twice, whether the file grows a line at a time or in bursts.
 *
 * A CRYSTAL job prints a line every few seconds for hours, so a follower must cost nothing
 * while the file does not grow. On a local file system the kernel says when it does (inotify,
 * through fs.watch on the file's folder: the folder, not the file, so that a NAME.out created
 * later or moved aside to NAME.out.prev is still the one followed). On a network file system
 * (the NFS home folders of clusters, Lustre, GPFS) a write made on another node raises no
 * event here, so the file is polled a few times a second instead.
 *
 * Either way reads come at most once per interval: under a flood of output an event per write
 * would cost more than the reads themselves, so the watch is dropped on the first event and set
 * again, before the next read, once the interval has passed.
 *
 * A local file is read with plain system calls (open, read, close from the page cache: a few
 * microseconds), not through libuv's thread pool, whose hand-offs to and from a worker thread
 * cost more than the reads at rest; a long catch-up yields to the event loop between chunks.
 * A network file system can stall a read for seconds, so there the reads stay asynchronous.
 */
import { closeSync, type FSWatcher, openSync, readSync, statfsSync, watch } from "node:fs";
import { open } from "node:fs/promises";
import { basename, dirname } from "node:path";
import type { FollowCallbacks, Follower } from "./backend.js";

/** Bytes per read. One buffer per followed file, reused for every read: a fresh megabyte per
 * poll (4 a second per job) is memory the process keeps touching and the garbage collector
 * must keep freeing. A long catch-up is simply more reads. */
const chunkBytes = 64 << 10;

/** statfs(2) magic numbers of the file systems where another machine's writes raise no inotify
 * event: NFS, SMB/CIFS, AFS, Ceph, Lustre, GPFS, 9p, FUSE (sshfs, and the FUSE clients of
 * parallel file systems). */
const remoteFileSystems = new Set([
	0x6969, 0x517b, 0xff534d42, 0xfe534d42, 0x5346414f, 0x00c36400, 0x0bd00bd0, 0x47504653, 0x01021997,
	0x65735546,
]);

/** Whether inotify sees every write to files in `folder` (false where it cannot be known). */
export function watchableFolder(folder: string): boolean {
	try {
		return !remoteFileSystems.has(Number(statfsSync(folder).type));
	} catch {
		return false;
	}
}

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
	const folder = dirname(path);
	const name = basename(path);

	// Opened anew at each read: on NFS only a fresh open is sure to see what another node (the
	// SLURM compute node writing NAME.out) has appended since (close-to-open consistency); a
	// local NAME.out may have been moved aside and started again.
	const readLocal = async (): Promise<void> => {
		let fd: number;
		try {
			fd = openSync(path, "r");
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== "ENOENT") {
				callbacks.trouble(`cannot read ${path}: ${(error as Error).message}`);
			}
			return;
		}
		try {
			for (let chunks = 0; !closed; chunks++) {
				// Another job's output, a key press: they get their turn during a long catch-up.
				if (chunks > 0 && chunks % 16 === 0) await new Promise((resolve) => setImmediate(resolve));
				const bytesRead = readSync(fd, buffer, 0, chunkBytes, position);
				if (bytesRead === 0 || closed) break;
				position += bytesRead;
				callbacks.data(Buffer.from(buffer.subarray(0, bytesRead)));
			}
		} finally {
			closeSync(fd);
		}
	};
	const readRemote = async (): Promise<void> => {
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

	// One read at a time: a drain while another read runs waits for it, then reads the rest.
	let chain: Promise<void> = Promise.resolve();
	let pending = 0;
	let lastRead = 0;
	const read = (): Promise<void> => {
		pending++;
		lastRead = Date.now();
		chain = chain
			.then(watchFailed ? readRemote : readLocal)
			.catch((error: Error) => callbacks.trouble(`cannot read ${path}: ${error.message}`))
			.finally(() => {
				pending--;
			});
		return chain;
	};

	let watcher: FSWatcher | undefined;
	let timer: NodeJS.Timeout | undefined;
	const unwatch = () => {
		watcher?.close();
		watcher = undefined;
	};
	// Set the watch first, then read: a write after the watch raises an event, one before it
	// is in the read. Without a watch (a network file system, or no inotify left) poll.
	const watchThenRead = () => {
		timer = undefined;
		if (closed) return;
		if (watcher === undefined && !watchFailed) {
			try {
				watcher = watch(folder, (_event, file) => {
					if (file !== null && file !== name) return;
					unwatch();
					timer ??= setTimeout(watchThenRead, Math.max(0, lastRead + intervalMs - Date.now()));
				});
				watcher.on("error", () => {
					unwatch();
					watchFailed = true;
					timer ??= setTimeout(watchThenRead, intervalMs);
				});
			} catch {
				watchFailed = true;
			}
		}
		// A poll skips its turn while a slow read (a network file system) is still going.
		if (!watchFailed || pending === 0) void read();
		if (watchFailed) timer = setTimeout(watchThenRead, intervalMs);
	};
	let watchFailed = !watchableFolder(folder);
	watchThenRead();

	return {
		drain: () => read(),
		close: () => {
			closed = true;
			unwatch();
			clearTimeout(timer);
		},
	};
}
