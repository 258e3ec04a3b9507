/**
 * A local job's end as the kernel tells it: the job script writes its exit record into the run
 * folder as its last act (`mv exit.tmp exit`), and inotify, through fs.watch on that folder,
 * says so as it happens. The runner then need not read the folder every second to see the end
 * within one: it checks the job when the folder changes, and now and then for a script that
 * was killed outright and wrote nothing.
 *
 * Where inotify does not see every write (a network file system, as tail.ts decides), or no
 * watch can be set (the user's inotify watches used up), there is no watch and the runner
 * polls as before.
 */
import { type FSWatcher, watch } from "node:fs";
import { watchableFolder } from "./tail.js";

/** A watch on a run folder; `live` turns false when the kernel stops reporting (an error). */
export interface EndWatch {
	readonly live: boolean;
	close(): void;
}

/** Calls `changed` whenever something in `runDir` changes (the exit record appearing among
 * them: a handful of events in a run, so each one is simply a reason to look); null when the
 * folder cannot be watched. After an error `changed` is called once more and the watch is
 * no longer live: the caller goes back to polling. */
export function watchRunFolder(runDir: string, changed: () => void): EndWatch | null {
	if (!watchableFolder(runDir)) return null;
	let watcher: FSWatcher;
	try {
		watcher = watch(runDir, () => changed());
	} catch {
		return null;
	}
	let live = true;
	const close = () => {
		live = false;
		watcher.close();
	};
	watcher.on("error", () => {
		close();
		changed();
	});
	return {
		get live() {
			return live;
		},
		close,
	};
}
