import { Text } from "ink";
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

/** Job name, runner, state (spinning while it runs), elapsed time, and the "ended unseen" mark. */
export function TitleLine({ job, width, focused, now }: Props) {
	const theme = useTheme();
	const where = job.host ? `${job.runner}@${job.host}` : job.runner;
	const elapsed =
		job.startedAt === null ? "" : ` ${formatDuration(((job.endedAt ?? now) - job.startedAt) / 1000)}`;
	const state = job.detail && job.detail !== job.state ? `${job.state}: ${job.detail}` : job.state;
	const unseen = job.unseen ? " ◆new" : "";
	const fixed = `${stateMark(job, now)} ${job.name} ${where} ${elapsed}${unseen}  `;
	const room = Math.max(0, width - fixed.length);
	const stateText = state.length > room ? `${state.slice(0, Math.max(0, room - 1))}…` : state;
	return (
		<Text wrap="truncate">
			<Text color={theme.stateColor(job.state)}>{stateMark(job, now)} </Text>
			<Text bold={focused} inverse={focused && theme.noColor}>
				{job.name}
			</Text>
			<Text dimColor> {where} </Text>
			<Text color={theme.stateColor(job.state)}>{stateText}</Text>
			<Text dimColor>{elapsed}</Text>
			{unseen ? (
				<Text color={theme.color("yellowBright")} bold>
					{unseen}
				</Text>
			) : null}
		</Text>
	);
}
