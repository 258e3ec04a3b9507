/**
 * The cockpit: header, a grid of panes (or one zoomed pane, or an overlay), the job list of the
 * other pages, and a footer. The frame is exactly the terminal's size, whatever it is resized to.
 */
import { Box, useApp, useInput, useWindowSize } from "ink";
import {
	type ReactNode,
	useContext,
	useEffect,
	useMemo,
	useRef,
	useState,
	useSyncExternalStore,
} from "react";
import { isPropertiesId } from "../crystal/staging.js";
import type { JobsController } from "../jobs/controller.js";
import { Footer } from "./components/Footer.js";
import { Grid } from "./components/Grid.js";
import { Header } from "./components/Header.js";
import { JobList } from "./components/JobList.js";
import { Overlay } from "./components/Overlay.js";
import { QueueView } from "./components/QueueView.js";
import { ZoomedPane } from "./components/ZoomedPane.js";
import { editDeck } from "./edit-deck.js";
import { helpLines } from "./help-lines.js";
import { useEverywhere } from "./hooks/use-everywhere.js";
import { usePropertiesFiles } from "./hooks/use-properties-files.js";
import { useQueue } from "./hooks/use-queue.js";
import { keyNames } from "./keymap.js";
import { gridLayout, outputRows, paneRects } from "./layout.js";
import { PainterContext } from "./painter-context.js";
import { resultLines } from "./result-lines.js";
import type { CockpitStore } from "./store.js";
import {
	type Effect,
	initialUiState,
	matcher,
	modeOf,
	reduceKeys,
	scrollOf,
	showMatch,
	type UiContext,
} from "./ui-state.js";

export interface AppProps {
	controller: JobsController;
	store: CockpitStore;
	/** The user asked to leave. */
	onQuit: () => void;
}

export function App({ controller, store, onQuit }: AppProps) {
	const snapshot = useSyncExternalStore(store.subscribe, store.getSnapshot);
	const { columns, rows } = useWindowSize();
	const [ui, setUi] = useState(initialUiState);
	const uiRef = useRef(ui);
	const queue = useQueue(controller, ui.overlay === "queue");
	const everywhere = useEverywhere(controller, ui.overlay === "everywhere");
	const { suspendTerminal } = useApp();
	const painter = useContext(PainterContext);
	const jobs = snapshot.jobs;
	const now = snapshot.now;

	const width = Math.max(1, columns);
	const height = Math.max(3, rows);
	const body = height - 2;
	let layout = gridLayout(jobs.length, width, body);
	const paged = layout.pages > 1;
	if (paged) layout = gridLayout(jobs.length, width, body - 1);
	const gridHeight = paged ? body - 1 : body;
	const focus = Math.min(ui.focus, Math.max(0, jobs.length - 1));
	const page = Math.min(Math.floor(focus / layout.perPage), layout.pages - 1);
	const offset = page * layout.perPage;
	const pageJobs = jobs.slice(offset, offset + layout.perPage);
	const focusedJob = jobs[focus];
	const propertiesJob =
		ui.overlay === "result" && focusedJob && isPropertiesId(focusedJob.id) ? focusedJob : undefined;
	const propertiesFiles = usePropertiesFiles(
		controller,
		propertiesJob?.id ?? null,
		`${propertiesJob?.state}:${propertiesJob?.endedAt}`,
	);
	const shownUi = focus === ui.focus && page === ui.page ? ui : { ...ui, focus, page };
	const mode = modeOf(shownUi);

	const overlay = useMemo(() => {
		if (ui.overlay === "help") return { title: "Keys", lines: helpLines() };
		if (ui.overlay === "everywhere")
			return { title: "Every project", lines: everywhere.map((text) => ({ text, tone: "plain" as const })) };
		if (ui.overlay === "result" && focusedJob)
			return {
				title: `Result: ${focusedJob.name}`,
				lines: resultLines(focusedJob, width - 4, { properties: propertiesFiles, rows: body - 3 }),
			};
		return null;
	}, [ui.overlay, focusedJob, width, body, everywhere, propertiesFiles]);

	const focusRow = Math.floor((focus - offset) / layout.columns);
	const viewRows = ui.zoomed ? outputRows(body) : outputRows(layout.paneHeights[focusRow] ?? body);
	const context: UiContext = {
		jobs,
		columns: layout.columns,
		perPage: layout.perPage,
		viewRows,
		overlayLines: overlay?.lines.length ?? 0,
		overlayRows: Math.max(1, body - 3),
		queue: queue.listing?.jobs ?? [],
	};
	const contextRef = useRef(context);
	contextRef.current = context;
	uiRef.current = shownUi;

	const run = (effect: Effect) => {
		const job = jobs.find((j) => "jobId" in effect && j.id === effect.jobId);
		const name = job?.name ?? ("jobId" in effect ? effect.jobId : "");
		const failed = (verb: string) => (error: unknown) =>
			store.say(`cannot ${verb} ${name}: ${error instanceof Error ? error.message : String(error)}`);
		switch (effect.kind) {
			case "say":
				store.say(effect.text);
				break;
			case "adopt":
				controller.adopt(effect.cluster, effect.slurmJobId).then(
					(id) => {
						store.syncJobs();
						store.say(`following SLURM job ${effect.slurmJobId} (${effect.name}) as a pane: ${id}`);
						queue.reload();
					},
					(error: unknown) =>
						store.say(
							`cannot adopt ${effect.name}: ${error instanceof Error ? error.message : String(error)}`,
						),
				);
				break;
			case "searchLog":
				controller.searchLog(effect.jobId, matcher(effect.query), effect.from, effect.direction).then(
					(found) => {
						const next = showMatch(uiRef.current, effect.jobId, effect.query, found, contextRef.current);
						if (next === uiRef.current) return;
						uiRef.current = next;
						setUi(next);
					},
					(error: unknown) =>
						store.say(`cannot search ${name}: ${error instanceof Error ? error.message : String(error)}`),
				);
				break;
			case "quit":
				onQuit();
				break;
			case "start":
				controller.start(effect.jobId).catch(failed("start"));
				break;
			case "restart":
				controller.restart(effect.jobId).catch(failed("restart"));
				break;
			case "queueOp": {
				if (!controller.queueOp) break;
				const op = effect.op;
				controller
					.queueOp(op, effect.jobId || undefined)
					.then(() => {
						if (op === "pause") store.say("queue paused or resumed: P again to switch back");
					})
					.catch(failed(op === "pause" ? "pause the queue of" : `${op}`));
				break;
			}
			case "stop":
			case "kill":
				controller.stop(effect.jobId, { force: effect.kind === "kill" }).catch(failed("stop"));
				break;
			case "apply":
			case "accept": {
				const recover = controller.recover?.bind(controller);
				if (!recover) break;
				recover(effect.kind, effect.jobId).then((text) => store.say(text), failed(effect.kind));
				break;
			}
			case "edit": {
				if (!job) break;
				// The editor has the terminal: the painter writes nothing until Ink has it back.
				const handOver = (run: () => Promise<void>) =>
					suspendTerminal(async () => {
						painter?.hold(true);
						try {
							await run();
						} finally {
							painter?.hold(false);
						}
					});
				editDeck(job, controller.projectDir, handOver).then((outcome) => {
					if (outcome.message) store.say(outcome.message);
					if (!outcome.changed) return;
					const next = { ...uiRef.current, confirm: { kind: "restart" as const, jobId: effect.jobId } };
					uiRef.current = next;
					setUi(next);
				}, failed("edit"));
				break;
			}
		}
	};

	useInput((input, key) => {
		const names = keyNames(input, key);
		if (names.length === 0) return;
		store.clearMessage();
		// The newest jobs, not those of the last render: output drawn by the painter since has
		// moved the ends that scrolling counts from.
		const step = reduceKeys(uiRef.current, names, { ...contextRef.current, jobs: store.getSnapshot().jobs });
		uiRef.current = step.state;
		setUi(step.state);
		for (const effect of step.effects) run(effect);
	});

	const visible =
		ui.zoomed || ui.overlay === "result" ? (focusedJob ? [focusedJob.id] : []) : pageJobs.map((j) => j.id);
	const visibleKey = visible.join("\n");
	useEffect(() => {
		store.setVisible(visibleKey ? visibleKey.split("\n") : [], viewRows);
	}, [store, visibleKey, viewRows]);

	let searchInfo: string | null = null;
	if (shownUi.search.query && !shownUi.search.editing && focusedJob) {
		const matches = matcher(shownUi.search.query);
		let count = 0;
		for (let n = focusedJob.lines.first; n < focusedJob.total; n++)
			if (matches(focusedJob.lines.get(n) ?? "")) count++;
		// The zoomed view searches the whole log; the count covers the lines held in memory.
		const whole = focusedJob.lines.first === 0;
		const counted = whole
			? `${count} matches`
			: `${count} in the last ${focusedJob.total - focusedJob.lines.first} lines`;
		searchInfo =
			shownUi.search.match === null
				? `/${shownUi.search.query}: not found`
				: `/${shownUi.search.query}: line ${shownUi.search.match + 1} (${counted})`;
	}
	const confirm = shownUi.confirm;
	const confirmJob = confirm ? jobs.find((j) => j.id === confirm.jobId) : undefined;
	const confirmName = confirmJob?.name ?? confirm?.jobId ?? "";
	const questions = {
		kill: `Force-kill ${confirmName} (SIGKILL, no clean-up)?`,
		stop: `Stop ${confirmName} (SIGTERM, then SIGKILL)?`,
		apply: `Run ${confirmName} again with ${confirmJob?.recovery?.proposal?.summary ?? "the proposed change"}?`,
		accept: `Write the edit that healed ${confirmName} into ${confirmJob?.deckPath ?? "its deck"} (backup: .bak)?`,
		restart: `The deck of ${confirmName} changed: restart it now?`,
	};
	const question = confirm ? questions[confirm.kind] : null;

	let main: ReactNode;
	if (ui.overlay === "queue") {
		main = (
			<QueueView
				listing={queue.listing}
				error={queue.error}
				cursor={ui.queueCursor}
				width={width}
				height={body}
			/>
		);
	} else if (overlay) {
		main = (
			<Overlay
				title={overlay.title}
				lines={overlay.lines}
				scroll={ui.overlayScroll}
				width={width}
				height={body}
			/>
		);
	} else if (ui.zoomed && focusedJob) {
		main = (
			<ZoomedPane
				controller={controller}
				job={focusedJob}
				ui={shownUi}
				width={width}
				height={body}
				now={now}
			/>
		);
	} else {
		main = (
			<Box flexDirection="column" height={gridHeight}>
				<Grid jobs={pageJobs} offset={offset} layout={layout} ui={shownUi} now={now} />
			</Box>
		);
	}
	const others =
		paged && !ui.zoomed && !overlay && ui.overlay !== "queue"
			? jobs.filter((_, i) => i < offset || i >= offset + layout.perPage)
			: null;
	// The painter draws the panes and the header between Ink's frames: where they are, from this
	// render, before Ink writes the frame it makes. The zoomed pane while it follows its output
	// (scrolled back, its rows may come from the log on disk); none while an overlay is shown.
	const header = { projectDir: controller.projectDir, page, pages: layout.pages, width };
	const placed = (
		job: (typeof jobs)[number],
		rect: { x: number; y: number; width: number; height: number },
	) => ({
		id: job.id,
		...rect,
		// Under the header's row.
		y: rect.y + 1,
		focused: job === focusedJob,
		scroll: shownUi.scroll[job.id],
		query: shownUi.search.query,
		match: shownUi.search.match,
	});
	const overlaid = ui.overlay === "queue" || overlay !== null;
	const zoomedJob = ui.zoomed ? focusedJob : undefined;
	painter?.place(
		overlaid
			? null
			: zoomedJob
				? scrollOf(shownUi, zoomedJob).follow
					? { header, otherPages: false, panes: [placed(zoomedJob, { x: 0, y: 0, width, height: body })] }
					: null
				: {
						header,
						otherPages: others !== null,
						panes: paneRects(layout, pageJobs.length).map((rect, i) =>
							placed(pageJobs[i] as (typeof pageJobs)[number], rect),
						),
					},
	);
	return (
		<Box width={width} height={height} flexDirection="column" overflow="hidden">
			<Header jobs={jobs} {...header} />
			{main}
			{others ? <JobList jobs={others} /> : null}
			<Footer
				mode={mode}
				width={width}
				question={question}
				query={shownUi.search.query}
				searchInfo={searchInfo}
				message={snapshot.message?.text ?? null}
			/>
		</Box>
	);
}
