import { Box, Text } from "ink";
import { displayLine } from "../format.js";
import type { JobView } from "../store.js";
import { useTheme } from "../theme.js";
import { OutputLine } from "./OutputLine.js";
import { ProgressLine } from "./ProgressLine.js";
import { TitleLine } from "./TitleLine.js";

export interface PaneProps {
	job: JobView;
	width: number;
	height: number;
	focused: boolean;
	now: number;
	/** The visible rows of output, oldest first, and the line number of the first one. */
	rows: readonly string[];
	firstRow: number;
	/** Lines below the view (0 when following), and how many of them arrived since the pause. */
	below: number;
	arrived: number;
	following: boolean;
	query: string;
	match: number | null;
	/** Shown in place of the output while older lines are read from disk. */
	loading?: boolean;
}

/** One job: title, progress, and exactly as many output rows as the box has. */
export function Pane(props: PaneProps) {
	const { job, width, height, focused, rows, firstRow, below, arrived, following, query, match } = props;
	const theme = useTheme();
	const inner = Math.max(1, width - 2);
	const outputRows = Math.max(1, height - 4);
	const paused = !following;
	// The rows end at the bottom of the view; when paused the last row carries the notice.
	const room = paused ? outputRows - 1 : outputRows;
	const shown = room > 0 ? rows.slice(-room) : [];
	const first = firstRow + rows.length - shown.length;
	return (
		<Box
			width={width}
			height={height}
			flexDirection="column"
			overflow="hidden"
			borderStyle={focused ? "double" : "round"}
			borderColor={focused ? theme.color("cyanBright") : theme.color("gray")}
			borderDimColor={!focused}
		>
			<TitleLine job={job} width={inner} focused={focused} now={props.now} />
			<ProgressLine job={job} width={inner} />
			<Box flexDirection="column" height={outputRows} overflow="hidden">
				{props.loading ? (
					<Text dimColor>reading the log…</Text>
				) : (
					shown.map((line, i) => (
						<OutputLine
							// biome-ignore lint/suspicious/noArrayIndexKey: rows are positions on screen
							key={i}
							text={displayLine(line, inner)}
							query={query}
							current={match === first + i}
						/>
					))
				)}
				{paused ? (
					<Box flexGrow={1} alignItems="flex-end">
						<Text inverse wrap="truncate">
							{` paused · ${below} lines below, ${arrived} new · G follows `}
						</Text>
					</Box>
				) : null}
			</Box>
		</Box>
	);
}
