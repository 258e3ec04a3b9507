import { Box, Text } from "ink";
import { type GridLayout, separatorWidth } from "../layout.js";
import { gridPaneProps } from "../pane-rows.js";
import type { JobView } from "../store.js";
import { useTheme } from "../theme.js";
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

/** The column between two panes side by side, as high as they are. */
function Separator({ height }: { height: number }) {
	const { separator } = useTheme();
	return (
		<Box width={separatorWidth} height={height} backgroundColor={separator.backgroundColor}>
			<Text dimColor>{Array.from({ length: height }, () => separator.char).join("\n")}</Text>
		</Box>
	);
}

/** The panes of one page, row by row; each pane reads only the rows it shows from the ring. */
export function Grid({ jobs, offset, layout, ui, now }: Props) {
	const rows: JobView[][] = [];
	for (let i = 0; i < jobs.length; i += layout.columns) rows.push(jobs.slice(i, i + layout.columns));
	return (
		<Box flexDirection="column">
			{rows.map((row, r) => {
				const height = layout.paneHeights[r] ?? 0;
				return (
					<Box key={row[0]?.id ?? r} flexDirection="row" height={height}>
						{row.map((job, c) => {
							const index = offset + r * layout.columns + c;
							const place = {
								width: layout.paneWidths[c] ?? 0,
								height,
								focused: index === ui.focus,
								query: ui.search.query,
								match: ui.search.match,
							};
							return [
								c > 0 ? <Separator key={`${job.id}|`} height={height} /> : null,
								<Pane key={job.id} {...gridPaneProps(job, scrollOf(ui, job), place, now)} />,
							];
						})}
					</Box>
				);
			})}
		</Box>
	);
}
