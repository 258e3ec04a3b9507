import { useEffect, useState } from "react";

/**
 * One clock for the whole screen (spinners and elapsed times), ticking only while something
 * runs: an idle cockpit does not render at all.
 */
export function useClock(active: boolean, intervalMs = 250, now: () => number = Date.now): number {
	const [time, setTime] = useState(now);
	useEffect(() => {
		if (!active) return;
		setTime(now());
		const timer = setInterval(() => setTime(now()), intervalMs);
		return () => clearInterval(timer);
	}, [active, intervalMs, now]);
	return time;
}
