import { Text } from "ink";
import { memo } from "react";

interface Props {
	text: string;
	query: string;
	/** This line is the current search match. */
	current: boolean;
}

/** Occurrences of the query, found as `matcher` finds them (smartcase). */
function segments(text: string, query: string): { text: string; hit: boolean }[] {
	if (query === "") return [{ text, hit: false }];
	const exact = query !== query.toLowerCase();
	const haystack = exact ? text : text.toLowerCase();
	const out: { text: string; hit: boolean }[] = [];
	let at = 0;
	for (;;) {
		const found = haystack.indexOf(query, at);
		if (found < 0) break;
		if (found > at) out.push({ text: text.slice(at, found), hit: false });
		out.push({ text: text.slice(found, found + query.length), hit: true });
		at = found + query.length;
	}
	if (at < text.length) out.push({ text: text.slice(at), hit: false });
	return out;
}

/** One row of a job's output, with search matches shown in reverse video. */
export const OutputLine = memo(function OutputLine({ text, query, current }: Props) {
	if (query === "" || !text) return <Text wrap="truncate">{text || " "}</Text>;
	return (
		<Text wrap="truncate" bold={current}>
			{segments(text, query).map((s, i) =>
				s.hit ? (
					// biome-ignore lint/suspicious/noArrayIndexKey: segments have no identity of their own
					<Text key={i} inverse underline={current}>
						{s.text}
					</Text>
				) : (
					s.text
				),
			)}
		</Text>
	);
});
