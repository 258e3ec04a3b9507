import { Box, Text } from "ink";
import { memo } from "react";
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
	/** The title band's elapsed time (TitleLine's elapsedText). */
	elapsed: string;
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
 *
 * A pane is drawn again only when what it shows changed (its job, its rows, its elapsed time),
 * and within it only the parts that did: a tick of the clock redraws title bands, a new line
 * the rows of its own pane.
 */
export const Pane = memo(function Pane(props: PaneProps) {
	const { job, width, height, focused, rows, firstRow, below, arrived, following, query, match } = props;
	const count = outputRows(height);
	const paused = !following;
	// The rows end at the bottom of the view; when paused the last row carries the notice.
	const room = paused ? count - 1 : count;
	const shown = room > 0 ? rows.slice(-room) : [];
	const first = firstRow + rows.length - shown.length;
	return (
		<Box width={width} height={height} flexDirection="column">
			<TitleLine job={job} width={width} focused={focused} elapsed={props.elapsed} />
			<ProgressLine job={job} width={width} />
			<PaneOutput
				rows={shown}
				first={first}
				count={count}
				width={width}
				paused={paused}
				below={below}
				arrived={arrived}
				query={query}
				match={match}
				loading={props.loading === true}
			/>
		</Box>
	);
}, samePane);

/** Same rows (the ring hands out the same strings) and same everything else. */
function samePane(a: PaneProps, b: PaneProps): boolean {
	for (const key of Object.keys(a) as (keyof PaneProps)[])
		if (key !== "rows" && a[key] !== b[key]) return false;
	return sameRows(a.rows, b.rows);
}

const sameRows = (a: readonly string[], b: readonly string[]): boolean =>
	a.length === b.length && a.every((row, i) => row === b[i]);

interface OutputProps {
	/** The rows shown, oldest first, and the line number of the first. */
	rows: readonly string[];
	first: number;
	count: number;
	width: number;
	paused: boolean;
	below: number;
	arrived: number;
	query: string;
	match: number | null;
	loading: boolean;
}

/** Same rows (the ring hands out the same strings) and same everything else. */
function sameOutput(a: OutputProps, b: OutputProps): boolean {
	for (const key of Object.keys(a) as (keyof OutputProps)[])
		if (key !== "rows" && a[key] !== b[key]) return false;
	return sameRows(a.rows, b.rows);
}

const PaneOutput = memo(function PaneOutput(props: OutputProps) {
	const { rows, first, count, width, paused, query, match } = props;
	return (
		<Box flexDirection="column" height={count}>
			{props.loading ? (
				<Text dimColor>reading the log…</Text>
			) : (
				rows.map((line, i) => (
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
						{` paused · ${props.below} lines below, ${props.arrived} new · G follows `}
					</Text>
				</Box>
			) : null}
		</Box>
	);
}, sameOutput);
