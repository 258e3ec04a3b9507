import { Box } from "ink";
import type { GridLayout } from "../layout.js";
import type { JobView } from "../store.js";
import { scrollOf, type UiState } from "../ui-state.js";
import { Pane } from "./Pane.js";

interface Props {
	jobs: readonly JobView[];
	/** Index in the whole job list of the first job of this page. */
	offset: number;
	layout: GridLayout;
	ui: UiState;
	now: number;
}

/** The panes of one page, row by row; each pane reads only the rows it shows from the ring. */
export function Grid({ jobs, offset, layout, ui, now }: Props) {
	const rows: JobView[][] = [];
	for (let i = 0; i < jobs.length; i += layout.columns) rows.push(jobs.slice(i, i + layout.columns));
	return (
		<Box flexDirection="column">
			{rows.map((row, r) => (
				<Box key={row[0]?.id ?? r} flexDirection="row" height={layout.paneHeights[r]}>
					{row.map((job, c) => {
						const height = layout.paneHeights[r] ?? 0;
						const index = offset + r * layout.columns + c;
						const scroll = scrollOf(ui, job);
						const count = Math.max(1, height - 4);
						const start = Math.max(job.lines.first, scroll.bottom - count);
						const focused = index === ui.focus;
						return (
							<Pane
								key={job.id}
								job={job}
								width={layout.paneWidths[c] ?? 0}
								height={height}
								focused={focused}
								now={now}
								rows={job.lines.slice(start, scroll.bottom)}
								firstRow={start}
								below={job.total - scroll.bottom}
								arrived={job.total - scroll.since}
								following={scroll.follow}
								query={focused ? ui.search.query : ""}
								match={focused ? ui.search.match : null}
							/>
						);
					})}
				</Box>
			))}
		</Box>
	);
}
