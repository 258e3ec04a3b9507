/**
 * The jobs of every project the supervisor knows, for the cockpit's "every project" view:
 * asked when the view opens and every two seconds while it is open.
 */
import { useEffect, useState } from "react";
import type { JobsController } from "../../jobs/controller.js";

const refreshMs = 2000;

export function useEverywhere(controller: JobsController, open: boolean): string[] {
	const [lines, setLines] = useState<string[]>(["asking the supervisor..."]);
	useEffect(() => {
		if (!open) return;
		if (!controller.everywhere) {
			setLines(["this cockpit has no supervisor to ask"]);
			return;
		}
		let live = true;
		const ask = () =>
			controller.everywhere?.().then(
				(next) => live && setLines(next),
				(error: unknown) =>
					live && setLines([`cannot ask: ${error instanceof Error ? error.message : String(error)}`]),
			);
		void ask();
		const timer = setInterval(() => void ask(), refreshMs);
		return () => {
			live = false;
			clearInterval(timer);
		};
	}, [controller, open]);
	return lines;
}
