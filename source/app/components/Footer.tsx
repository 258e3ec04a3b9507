import { Text } from "ink";
import { footerBindings, type Mode } from "../keymap.js";
import { useTheme } from "../theme.js";

interface Props {
	mode: Mode;
	width: number;
	/** The question being asked, in confirm mode. */
	question: string | null;
	/** The query being typed, in search mode; the current search otherwise. */
	query: string;
	searchInfo: string | null;
	message: string | null;
}

/** The keys that do something now, or the question, query or message of the moment. */
export function Footer({ mode, width, question, query, searchInfo, message }: Props) {
	const theme = useTheme();
	if (mode === "search") {
		return (
			<Text wrap="truncate">
				<Text bold>/{query}</Text>
				<Text inverse> </Text>
				<Text dimColor> Enter search · Esc cancel</Text>
			</Text>
		);
	}
	const keys = footerBindings(mode)
		.map((b) => `${b.label} ${b.short ?? b.description}`)
		.join(" · ");
	if (mode === "confirm" && question) {
		return (
			<Text wrap="truncate">
				<Text color={theme.color("yellow")} bold>
					{question}
				</Text>
				<Text> y yes · n/Esc no</Text>
			</Text>
		);
	}
	const lead = message ?? searchInfo;
	return (
		<Text wrap="truncate">
			{lead ? <Text color={theme.color(message ? "yellow" : "cyan")}>{`${lead}  `}</Text> : null}
			<Text dimColor>{keys.length > width ? keys.slice(0, width) : keys}</Text>
		</Text>
	);
}
