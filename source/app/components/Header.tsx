import { Text } from "ink";
import { useContext } from "react";
import { type HeaderPlace, headerRow } from "../header-row.js";
import { PainterContext } from "../painter-context.js";
import { headerKey } from "../pane-painter.js";
import type { JobView } from "../store.js";
import { useTheme } from "../theme.js";

/** Project folder, how many jobs are in each state, and the page (header-row.ts). */
export function Header({ jobs, ...place }: HeaderPlace & { jobs: readonly JobView[] }) {
	const theme = useTheme();
	const row = headerRow(place, jobs, theme);
	useContext(PainterContext)?.rendered(headerKey, [row]);
	return <Text wrap="truncate">{row}</Text>;
}
