import type { JobsController } from "../../jobs/controller.js";
import { useLogWindow } from "../hooks/use-log-window.js";
import { outputRows } from "../layout.js";
import { elapsedText } from "../pane-rows.js";
import type { JobView } from "../store.js";
import { scrollOf, type UiState } from "../ui-state.js";
import { Pane } from "./Pane.js";

/** One job full screen; scrolling back past the ring reads the log from disk. */
export function ZoomedPane(props: {
	controller: JobsController;
	job: JobView;
	ui: UiState;
	width: number;
	height: number;
	now: number;
}) {
	const { job, ui } = props;
	const scroll = scrollOf(ui, job);
	const window = useLogWindow(props.controller, job, scroll.bottom, outputRows(props.height));
	return (
		<Pane
			job={job}
			width={props.width}
			height={props.height}
			focused
			elapsed={elapsedText(job, props.now)}
			rows={window.rows}
			firstRow={window.firstRow}
			below={job.total - scroll.bottom}
			arrived={job.total - scroll.since}
			following={scroll.follow}
			query={ui.search.query}
			match={ui.search.match}
			loading={window.loading}
		/>
	);
}
