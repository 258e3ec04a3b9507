import { useEffect, useState } from "react";
import type { JobsController } from "../../jobs/controller.js";
import type { JobView } from "../store.js";

export interface LogWindow {
	rows: string[];
	firstRow: number;
	loading: boolean;
}

/**
 * The lines [bottom - count, bottom) of a job's log: from the ring while it holds them, from
 * the log on disk (controller.readLog) when the zoomed view scrolls further back.
 */
export function useLogWindow(
	controller: JobsController,
	job: JobView | undefined,
	bottom: number,
	count: number,
): LogWindow {
	const start = Math.max(0, bottom - count);
	const inRing = !job || start >= job.lines.first;
	const key = job ? `${job.id}:${start}:${bottom}` : "";
	const jobId = job?.id;
	const [disk, setDisk] = useState<{ key: string; rows: string[] } | null>(null);
	useEffect(() => {
		if (inRing || !jobId) return;
		let live = true;
		controller
			.readLog(jobId, start, bottom - start)
			.then((slice) => {
				if (live) setDisk({ key, rows: slice.lines });
			})
			.catch(() => {
				if (live) setDisk({ key, rows: [] });
			});
		return () => {
			live = false;
		};
	}, [controller, jobId, inRing, key, start, bottom]);
	if (!job) return { rows: [], firstRow: 0, loading: false };
	if (inRing) return { rows: job.lines.slice(start, bottom), firstRow: start, loading: false };
	if (disk?.key === key) return { rows: disk.rows, firstRow: start, loading: false };
	return { rows: [], firstRow: start, loading: true };
}
