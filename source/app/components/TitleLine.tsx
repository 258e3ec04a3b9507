import { Box, Text } from "ink";
import Spinner from "ink-spinner";
import { memo } from "react";
import { formatElapsed } from "../format.js";
import type { JobView } from "../store.js";
import { spinnerFrames, stateMarks, useTheme } from "../theme.js";

interface Props {
	job: JobView;
	width: number;
	focused: boolean;
	/** The elapsed time shown ("" before the run started): see elapsedText. */
	elapsed: string;
}

/** The title band's elapsed time at `now`: the run's, or its whole length once it ended. */
export function elapsedText(job: JobView, now: number): string {
	return job.startedAt === null ? "" : ` ${formatElapsed(job.startedAt, job.endedAt ?? now)}`;
}

export function stateMark(job: JobView): string {
	if (job.state === "running" || job.state === "starting" || job.state === "stopping") {
		return spinnerFrames[job.beat % spinnerFrames.length] as string;
	}
	return stateMarks[job.state];
}

/**
 * The pane's title band: job name, runner, state (spinning while it runs), elapsed time, and the
 * "ended unseen" mark. A job that is starting (connecting to its host, sending its inputs,
 * submitting) gets ink-spinner's own 80 ms animation: those seconds are when a user waits and
 * watches, and they end. A running job's mark turns when its output grows, in the frame that
 * shows the new lines: it says the job is printing, and hours of jobs cost no extra frames.
 * Drawn again only when what it shows changed (the clock ticks for every pane at once).
 *
 * The band also separates the pane from the one above it; the focused pane's band stands out.
 */
export const TitleLine = memo(function TitleLine({ job, width, focused, elapsed }: Props) {
	const theme = useTheme();
	const band = theme.band(focused);
	// A pool's job: the pool while it waits for a member, then the member it went to.
	const where = job.host
		? `${job.runner}@${job.host}${job.pool ? ` (pool ${job.pool})` : ""}`
		: job.pool
			? `pool ${job.pool}`
			: job.runner;
	const state = job.detail && job.detail !== job.state ? `${job.state}: ${job.detail}` : job.state;
	const unseen = job.unseen ? " ◆new" : "";
	const fixed = ` ${stateMark(job)} ${job.name} ${where} ${elapsed}${unseen}  `;
	const room = Math.max(0, width - fixed.length);
	const stateText = state.length > room ? `${state.slice(0, Math.max(0, room - 1))}…` : state;
	// On the focused band (a light colour) the text keeps the band's own dark colour.
	const stateColor = focused || job.state === "idle" ? band.color : theme.stateColor(job.state);
	return (
		<Box width={width} height={1} backgroundColor={band.backgroundColor}>
			<Text wrap="truncate" color={band.color} inverse={band.inverse}>
				<Text color={stateColor}>
					{" "}
					{job.state === "starting" ? <Spinner type="dots" /> : stateMark(job)}{" "}
				</Text>
				<Text bold>{job.name}</Text> {where} <Text color={stateColor}>{stateText}</Text>
				{elapsed}
				{unseen ? (
					<Text color={focused ? band.color : theme.color("yellowBright")} bold>
						{unseen}
					</Text>
				) : null}
				{/* The reverse-video band of NO_COLOR spans the pane, as the coloured one does. */}
				{band.inverse ? " ".repeat(Math.max(0, width - fixed.length - stateText.length + 2)) : null}
			</Text>
		</Box>
	);
});
