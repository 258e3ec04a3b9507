import { Text } from "ink";
import type { JobView } from "../store.js";
import { stateMarks, useTheme } from "../theme.js";

/** The jobs not on this page, compactly, so a job that failed elsewhere is still seen. */
export function JobList({ jobs }: { jobs: readonly JobView[] }) {
	const theme = useTheme();
	return (
		<Text wrap="truncate">
			<Text dimColor>{`other pages (${jobs.length}, ]/[ pages):`}</Text>
			{jobs.map((job) => (
				<Text key={job.id} color={theme.stateColor(job.state)} bold={job.unseen}>
					{` ${stateMarks[job.state]} ${job.name}${job.unseen ? "◆" : ""}`}
				</Text>
			))}
		</Text>
	);
}
