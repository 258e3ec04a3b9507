import { Box, Text } from "ink";
import { displayLine } from "../format.js";
import { outputRows } from "../layout.js";
import type { JobView } from "../store.js";
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

/**
 * One job: title band, progress, and exactly as many output rows as the pane has. No box
 * around it: a border's box-drawing characters on every row would send each changed row down
 * Ink's slow path for wide characters, and a pane under a flood changes every row each frame.
 * Every row is cut to the pane's width, so nothing needs clipping.
 */
export function Pane(props: PaneProps) {
	const { job, width, height, focused, rows, firstRow, below, arrived, following, query, match } = props;
	const count = outputRows(height);
	const paused = !following;
	// The rows end at the bottom of the view; when paused the last row carries the notice.
	const room = paused ? count - 1 : count;
	const shown = room > 0 ? rows.slice(-room) : [];
	const first = firstRow + rows.length - shown.length;
	return (
		<Box width={width} height={height} flexDirection="column">
			<TitleLine job={job} width={width} focused={focused} now={props.now} />
			<ProgressLine job={job} width={width} />
			<Box flexDirection="column" height={count}>
				{props.loading ? (
					<Text dimColor>reading the log…</Text>
				) : (
					shown.map((line, i) => (
						<OutputLine
							// biome-ignore lint/suspicious/noArrayIndexKey: rows are positions on screen
							key={i}
							text={displayLine(line, width)}
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
