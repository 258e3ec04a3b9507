import { Box, Text } from "ink";
import { clip } from "../format.js";
import type { Line, Tone } from "../result-lines.js";
import { type Theme, useTheme } from "../theme.js";

function style(tone: Tone, theme: Theme): { color?: string; bold?: boolean; dimColor?: boolean } {
	switch (tone) {
		case "title":
			return { bold: true };
		case "good":
			return { color: theme.color("green"), bold: true };
		case "bad":
			return { color: theme.color("red"), bold: true };
		case "warn":
			return { color: theme.color("yellow") };
		case "fix":
			return { color: theme.color("cyan") };
		case "dim":
			return { dimColor: true };
		default:
			return {};
	}
}

/** A full-screen, scrollable page of lines (the result view, the help). */
export function Overlay({
	title,
	lines,
	scroll,
	width,
	height,
}: {
	title: string;
	lines: readonly Line[];
	scroll: number;
	width: number;
	height: number;
}) {
	const theme = useTheme();
	const rows = Math.max(1, height - 3);
	const top = Math.max(0, Math.min(scroll, lines.length - rows));
	const more = lines.length > rows ? ` ${top + 1}-${Math.min(lines.length, top + rows)}/${lines.length}` : "";
	return (
		<Box width={width} height={height} flexDirection="column" borderStyle="round" overflow="hidden">
			<Text bold wrap="truncate">
				{title}
				<Text dimColor>{more}</Text>
			</Text>
			<Box flexDirection="column" height={rows} overflow="hidden">
				{lines.slice(top, top + rows).map((line, i) => (
					// biome-ignore lint/suspicious/noArrayIndexKey: rows are positions on screen
					<Text key={i} wrap="truncate" {...style(line.tone, theme)}>
						{clip(line.text, width - 2) || " "}
					</Text>
				))}
			</Box>
		</Box>
	);
}
