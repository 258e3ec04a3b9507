import { Box, Text } from "ink";
import Spinner from "ink-spinner";
import { formatDuration } from "../format.js";
import { clockTickMs, type JobView } from "../store.js";
import { spinnerFrames, stateMarks, useTheme } from "../theme.js";

interface Props {
	job: JobView;
	width: number;
	focused: boolean;
	now: number;
}

export function stateMark(job: JobView, now: number): string {
	if (job.state === "running" || job.state === "starting" || job.state === "stopping") {
		return spinnerFrames[Math.floor(now / clockTickMs) % spinnerFrames.length] as string;
	}
	return stateMarks[job.state];
}

/**
 * The pane's title band: job name, runner, state (spinning while it runs), elapsed time, and the
 * "ended unseen" mark. A job that is starting (connecting to its host, sending its inputs,
 * submitting) gets ink-spinner's own 80 ms animation: those seconds are when a user waits and
 * watches, and they end. A running job's mark turns with the once-a-second clock instead, which
 * the band redraws anyway for the elapsed time: hours of jobs cost no extra frames.
 *
 * The band also separates the pane from the one above it; the focused pane's band stands out.
 */
export function TitleLine({ job, width, focused, now }: Props) {
	const theme = useTheme();
	const band = theme.band(focused);
	const where = job.host ? `${job.runner}@${job.host}` : job.runner;
	const elapsed =
		job.startedAt === null ? "" : ` ${formatDuration(((job.endedAt ?? now) - job.startedAt) / 1000)}`;
	const state = job.detail && job.detail !== job.state ? `${job.state}: ${job.detail}` : job.state;
	const unseen = job.unseen ? " ◆new" : "";
	const fixed = ` ${stateMark(job, now)} ${job.name} ${where} ${elapsed}${unseen}  `;
	const room = Math.max(0, width - fixed.length);
	const stateText = state.length > room ? `${state.slice(0, Math.max(0, room - 1))}…` : state;
	// On the focused band (a light colour) the text keeps the band's own dark colour.
	const stateColor = focused || job.state === "idle" ? band.color : theme.stateColor(job.state);
	return (
		<Box width={width} height={1} backgroundColor={band.backgroundColor}>
			<Text wrap="truncate" color={band.color} inverse={band.inverse}>
				<Text color={stateColor}>
					{" "}
					{job.state === "starting" ? <Spinner type="dots" /> : stateMark(job, now)}{" "}
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
}
