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
 * Either way reads come at most once per interval. One watch serves every followed file of a
 * folder (a project folder holds many jobs' outputs, and a watch per follower woke each of them
 * at every write to any of them), and at rest it stays set: setting it again after each event
 * cost more than the read that event led to.
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

/** A follower waiting for its file to change. */
interface FolderListener {
	/** Wants the next change (false while a read is already set to come). */
	armed: boolean;
	changed(): void;
	/** The watch broke: the follower polls from now on. */
	failed(): void;
}

/**
 * The one watch on a folder with followed files. It is set while some follower in the folder
 * waits for a change, and dropped while every one of them has a read set to come anyway: under
 * a flood each write raises an event, and events nobody needs cost more than setting the watch
 * again (before the next read) once per interval. At rest, with some follower always waiting,
 * it stays set.
 */
class FolderWatch {
	private watcher: FSWatcher | null = null;
	private readonly byName = new Map<string, Set<FolderListener>>();
	private armed = 0;

	constructor(private readonly folder: string) {}

	get empty(): boolean {
		return this.byName.size === 0;
	}

	add(name: string, listener: FolderListener): void {
		let set = this.byName.get(name);
		if (!set) {
			set = new Set();
			this.byName.set(name, set);
		}
		set.add(listener);
	}

	remove(name: string, listener: FolderListener): void {
		this.disarm(listener);
		const set = this.byName.get(name);
		set?.delete(listener);
		if (set?.size === 0) this.byName.delete(name);
		if (this.empty) this.close();
	}

	/** The listener waits for a change from now on (the watch set first, when it is not). Throws
	 * when no watch can be set (inotify watches used up). */
	arm(listener: FolderListener): void {
		if (listener.armed) return;
		if (!this.watcher) this.open();
		listener.armed = true;
		this.armed++;
	}

	private disarm(listener: FolderListener): void {
		if (!listener.armed) return;
		listener.armed = false;
		if (--this.armed === 0) this.close();
	}

	private open(): void {
		const watcher = watch(this.folder, (_event, file) => {
			// No name: the kernel's queue overflowed, any file may have changed.
			const sets = file === null ? [...this.byName.values()] : [this.byName.get(file)];
			for (const set of sets)
				for (const l of [...(set ?? [])]) {
					if (!l.armed) continue;
					this.disarm(l);
					l.changed();
				}
		});
		watcher.on("error", () => {
			if (this.watcher !== watcher) return;
			this.close();
			for (const set of this.byName.values())
				for (const l of [...set]) {
					this.disarm(l);
					l.failed();
				}
		});
		this.watcher = watcher;
	}

	private close(): void {
		this.watcher?.close();
		this.watcher = null;
		this.armed = 0;
		for (const set of this.byName.values()) for (const l of set) l.armed = false;
	}
}

const folderWatches = new Map<string, FolderWatch>();

/** The shared watch of `folder`, with `listener` added for `name`; the returned function
 * takes it out (and drops the watch once nobody in the folder is followed). */
function listen(
	folder: string,
	name: string,
	listener: FolderListener,
): { watch: FolderWatch; stop(): void } {
	let shared = folderWatches.get(folder);
	if (!shared) {
		shared = new FolderWatch(folder);
		folderWatches.set(folder, shared);
	}
	shared.add(name, listener);
	const watch = shared;
	return {
		watch,
		stop: () => {
			watch.remove(name, listener);
			if (watch.empty && folderWatches.get(folder) === watch) folderWatches.delete(folder);
		},
	};
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

	let timer: NodeJS.Timeout | undefined;
	let watchFailed = !watchableFolder(folder);
	// With a watch: a read at each change, at most one per interval. Without one (a network
	// file system, or no inotify left): a read every interval, skipping its turn while a slow
	// read (a network file system) is still going.
	const listener: FolderListener = {
		armed: false,
		changed: () => {
			timer ??= setTimeout(turn, Math.max(0, lastRead + intervalMs - Date.now()));
		},
		failed: () => {
			watchFailed = true;
			timer ??= setTimeout(turn, intervalMs);
		},
	};
	const shared = watchFailed ? null : listen(folder, name, listener);
	const turn = () => {
		timer = undefined;
		if (closed) return;
		// Wait for the next change first, then read: a write after this raises an event, one
		// before it is in the read.
		if (!watchFailed && shared) {
			try {
				shared.watch.arm(listener);
			} catch {
				watchFailed = true;
			}
		}
		if (!watchFailed || pending === 0) void read();
		if (watchFailed) timer = setTimeout(turn, intervalMs);
	};
	turn();

	return {
		drain: () => read(),
		close: () => {
			closed = true;
			shared?.stop();
			clearTimeout(timer);
		},
	};
}
