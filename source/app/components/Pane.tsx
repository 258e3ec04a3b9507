import { Box, Text } from "ink";
import Spinner from "ink-spinner";
import { memo, useContext } from "react";
import { PainterContext } from "../painter-context.js";
import { type PaneProps, paneRows, titleRuns } from "../pane-rows.js";
import { styled, styledRow } from "../styled-row.js";
import { useTheme } from "../theme.js";

export type { PaneProps };

/**
 * One job: title band, progress, and exactly as many output rows as the pane has, each row a
 * string of the pane's width (pane-rows.ts), which the painter also writes when only output and
 * the clock change (pane-painter.ts). No box around it: a border's box-drawing characters on
 * every row would send each changed row down Ink's slow path for wide characters.
 *
 * A pane is drawn again only when what it shows changed, and within it only the rows that did.
 */
export const Pane = memo(function Pane(props: PaneProps) {
	const theme = useTheme();
	const painter = useContext(PainterContext);
	const rows = paneRows(props, theme);
	painter?.rendered(props.job.id, rows, props.job.state === "starting");
	return (
		<Box width={props.width} height={props.height} flexDirection="column">
			{props.job.state === "starting" ? <StartingBand {...props} /> : <Row text={rows[0] ?? ""} />}
			{rows.slice(1).map((row, i) => (
				// biome-ignore lint/suspicious/noArrayIndexKey: rows are positions on screen
				<Row key={i} text={row} />
			))}
		</Box>
	);
}, samePane);

const Row = memo(function Row({ text }: { text: string }) {
	return <Text wrap="truncate">{text}</Text>;
});

/**
 * The band of a job that is starting (connecting to its host, sending its inputs, submitting):
 * ink-spinner's own 80 ms animation in place of the mark. Those seconds are when a user waits
 * and watches, and they end; a running job's mark turns only when its output grows.
 */
function StartingBand({ job, width, focused, elapsed }: PaneProps) {
	const theme = useTheme();
	const { mark, band, rest } = titleRuns(job, width, focused, elapsed, theme);
	return (
		<Text wrap="truncate">
			{styled(" ", mark)}
			<Text color={mark.color} backgroundColor={mark.backgroundColor} inverse={mark.inverse}>
				<Spinner type="dots" />
			</Text>
			{styledRow(rest, Math.max(0, width - 2), band)}
		</Text>
	);
}

/** Same rows (the ring hands out the same strings) and same everything else. */
function samePane(a: PaneProps, b: PaneProps): boolean {
	for (const key of Object.keys(a) as (keyof PaneProps)[])
		if (key !== "rows" && a[key] !== b[key]) return false;
	return a.rows.length === b.rows.length && a.rows.every((row, i) => row === b.rows[i]);
}
