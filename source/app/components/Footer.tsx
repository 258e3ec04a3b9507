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
	const lead = message ?? searchInfo;
	const keys = fitKeys(
		footerBindings(mode).map((b) => ({ text: `${b.label} ${b.short ?? b.description}`, action: b.action })),
		width - (lead ? lead.length + 2 : 0),
	);
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
	return (
		<Text wrap="truncate">
			{lead ? <Text color={theme.color(message ? "yellow" : "cyan")}>{`${lead}  `}</Text> : null}
			<Text dimColor>{keys}</Text>
		</Text>
	);
}

/** Help and quit are always shown; the other keys, in keymap order, as many as fit the width. */
export function fitKeys(items: { text: string; action: string }[], width: number): string {
	const always = items.filter((i) => i.action === "help" || i.action === "quit");
	const rest = items.filter((i) => !always.includes(i));
	const separator = " · ";
	let used = always.reduce((n, i) => n + i.text.length + separator.length, 0);
	const shown: typeof items = [];
	for (const item of rest) {
		if (used + item.text.length + separator.length > width) break;
		shown.push(item);
		used += item.text.length + separator.length;
	}
	const order = new Map(items.map((item, index) => [item, index]));
	return [...shown, ...always]
		.sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0))
		.map((i) => i.text)
		.join(separator);
}
