import { Text } from "ink";
import type { JobView, ViewState } from "../store.js";
import { useTheme } from "../theme.js";

const order: ViewState[] = [
	"running",
	"starting",
	"stopping",
	"queued",
	"failed",
	"lost",
	"cancelled",
	"finished",
	"idle",
];

/** Project folder, how many jobs are in each state, and the page. */
export function Header({
	projectDir,
	jobs,
	page,
	pages,
	width,
}: {
	projectDir: string;
	jobs: readonly JobView[];
	page: number;
	pages: number;
	width: number;
}) {
	const theme = useTheme();
	const counts = new Map<ViewState, number>();
	for (const job of jobs) counts.set(job.state, (counts.get(job.state) ?? 0) + 1);
	const states = order.filter((s) => counts.get(s));
	const pageText = pages > 1 ? `  page ${page + 1}/${pages}` : "";
	const summary = states.map((s) => `${counts.get(s)} ${s}`).join("  ");
	const room = Math.max(0, width - summary.length - pageText.length - 16);
	const dir = projectDir.length > room ? `…${projectDir.slice(-(room - 1))}` : projectDir;
	return (
		<Text wrap="truncate">
			<Text bold>crystal-tui</Text>
			<Text dimColor> {room > 1 ? dir : ""} </Text>
			{states.map((s) => (
				<Text key={s} color={theme.stateColor(s)}>
					{` ${counts.get(s)} ${s}`}
				</Text>
			))}
			<Text>{pageText}</Text>
		</Text>
	);
}
