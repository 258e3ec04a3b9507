import { useCallback, useEffect, useState } from "react";
import type { JobsController, QueueListing } from "../../jobs/controller.js";

export interface QueueState {
	/** The last listing that came, kept while a new one is asked for. */
	listing: QueueListing | null;
	/** Why the last ask failed, if it did. */
	error: string | null;
	/** Ask again now (after an adoption, to show the job as followed). */
	reload: () => void;
}

/**
 * The user's SLURM jobs while the queue view is open: asked for on opening, then once per
 * configured poll interval. The controller asks SLURM at most that often whoever calls, so a
 * reload costs the cluster nothing more.
 */
export function useQueue(controller: JobsController, open: boolean): QueueState {
	const [state, setState] = useState<Omit<QueueState, "reload">>({ listing: null, error: null });
	const [asks, setAsks] = useState(0);
	// biome-ignore lint/correctness/useExhaustiveDependencies: a change of `asks` is the reload
	useEffect(() => {
		if (!open) return;
		let live = true;
		let timer: NodeJS.Timeout | null = null;
		let every = 30;
		const again = () => {
			timer = setTimeout(load, every * 1000);
			timer.unref();
		};
		const load = () => {
			controller.queue().then(
				(listing) => {
					if (!live) return;
					every = listing.refreshSeconds;
					setState({ listing, error: null });
					if (listing.clusters.length > 0) again();
				},
				(error: unknown) => {
					if (!live) return;
					setState((s) => ({
						listing: s.listing,
						error: error instanceof Error ? error.message : String(error),
					}));
					again();
				},
			);
		};
		load();
		return () => {
			live = false;
			if (timer) clearTimeout(timer);
		};
	}, [controller, open, asks]);
	const reload = useCallback(() => setAsks((n) => n + 1), []);
	return { ...state, reload };
}
