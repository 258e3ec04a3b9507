import { Box, Text } from "ink";
import Spinner from "ink-spinner";
import type { ReactNode } from "react";
import type { QueueJob, QueueListing } from "../../jobs/controller.js";
import { clip, displayLine } from "../format.js";
import { type Theme, useTheme } from "../theme.js";

interface Props {
	listing: QueueListing | null;
	error: string | null;
	cursor: number;
	width: number;
	height: number;
}

const clock = (ms: number): string => new Date(ms).toTimeString().slice(0, 8);

function stateColor(job: QueueJob, theme: Theme): string | undefined {
	const word = job.state.split(/[\s+]/)[0] ?? "";
	if (word === "COMPLETED") return theme.color("green");
	if (word === "PENDING" || word.startsWith("REQUEUE")) return theme.color("magenta");
	if (job.active) return theme.color("cyan");
	return theme.color(word === "CANCELLED" ? "yellow" : "red");
}

const followed = (job: QueueJob): string =>
	job.followedAs ? "yes" : job.fromCrystalTui ? "no · crystal-tui" : "no";

interface Column {
	title: string;
	width: number;
	value: (job: QueueJob) => string;
}

/** Fixed columns, the name takes what is left (at least a little). */
function columns(jobs: readonly QueueJob[], width: number, clusters: number): Column[] {
	const widest = (title: string, value: (j: QueueJob) => string, max: number) =>
		Math.min(max, Math.max(title.length, ...jobs.map((j) => value(j).length)));
	const fixed: Column[] = [
		...(clusters > 1
			? [
					{
						title: "CLUSTER",
						width: widest("CLUSTER", (j) => j.cluster, 12),
						value: (j: QueueJob) => j.cluster,
					},
				]
			: []),
		{ title: "JOBID", width: widest("JOBID", (j) => j.slurmJobId, 12), value: (j) => j.slurmJobId },
	];
	const rest: Column[] = [
		{ title: "STATE", width: widest("STATE", (j) => j.stateText, 30), value: (j) => j.stateText },
		{ title: "TIME", width: widest("TIME", (j) => j.timeUsed, 11), value: (j) => j.timeUsed },
		{ title: "NODES", width: widest("NODES", (j) => j.nodes, 14), value: (j) => j.nodes },
		{ title: "PARTITION", width: widest("PARTITION", (j) => j.partition, 12), value: (j) => j.partition },
		{ title: "FOLLOWED", width: widest("FOLLOWED", followed, 16), value: followed },
	];
	const used = [...fixed, ...rest].reduce((n, c) => n + c.width + 2, 2);
	const name: Column = {
		title: "NAME",
		width: Math.max(8, Math.min(40, width - 2 - used)),
		value: (j) => j.name,
	};
	return [...fixed, name, ...rest];
}

const cell = (text: string, width: number): string => clip(displayLine(text, 1000), width).padEnd(width);

/** The user's SLURM jobs on the configured clusters, one row each, to adopt one as a pane. */
export function QueueView({ listing, error, cursor, width, height }: Props) {
	const theme = useTheme();
	const inner = Math.max(1, width - 2);
	const rows = Math.max(1, height - 4);
	const title = (extra: string) => (
		<Text bold wrap="truncate">
			SLURM queue<Text dimColor>{extra}</Text>
		</Text>
	);
	const frame = (children: ReactNode) => (
		<Box width={width} height={height} flexDirection="column" borderStyle="round" overflow="hidden">
			{children}
		</Box>
	);
	if (!listing) {
		return frame(
			<>
				{title("")}
				<Text color={error ? theme.color("red") : undefined} wrap="truncate">
					{error ? (
						`cannot list SLURM jobs: ${error}`
					) : (
						// squeue over ssh can take seconds: a live spinner says it is being asked.
						<>
							<Spinner type="dots" /> asking SLURM for your jobs…
						</>
					)}
				</Text>
			</>,
		);
	}
	if (listing.clusters.length === 0) {
		return frame(
			<>
				{title("")}
				<Text wrap="wrap">
					No SLURM cluster is configured. Add a [clusters.NAME] table to crystal-tui.toml (or to
					~/.config/crystal-tui/config.toml) to see your SLURM jobs here and adopt them as panes.
				</Text>
			</>,
		);
	}
	const syncs = listing.clusters
		.map((c) => (c.syncedAt ? `${c.name} synced ${clock(c.syncedAt)}` : `${c.name} not synced`))
		.join(" · ");
	const count = listing.jobs.length === 1 ? "1 job" : `${listing.jobs.length} jobs`;
	const problems = [
		...listing.clusters.filter((c) => c.error).map((c) => `${c.name}: ${c.error}`),
		...(error ? [error] : []),
	];
	const cols = columns(listing.jobs, inner, listing.clusters.length);
	const line = (job: QueueJob | null) =>
		cols.map((c) => cell(job ? c.value(job) : c.title, c.width)).join("  ");
	const room = Math.max(1, rows - problems.length);
	const selected = Math.min(cursor, listing.jobs.length - 1);
	const top = Math.max(0, Math.min(selected - Math.floor(room / 2), listing.jobs.length - room));
	const shown = listing.jobs.slice(top, top + room);
	return frame(
		<>
			{title(` · ${syncs} · ${count}`)}
			{problems.map((p) => (
				<Text key={p} color={theme.color("red")} wrap="truncate">
					{p}
				</Text>
			))}
			<Text dimColor wrap="truncate">
				{clip(`  ${line(null)}`, inner)}
			</Text>
			{listing.jobs.length === 0 ? (
				<Text dimColor>No SLURM jobs of yours on {listing.clusters.map((c) => c.name).join(", ")}.</Text>
			) : null}
			{shown.map((job, i) => {
				const here = top + i === selected;
				const stateCol = cols.findIndex((c) => c.title === "STATE");
				const before = cols.slice(0, stateCol).map((c) => cell(c.value(job), c.width));
				const after = cols.slice(stateCol + 1).map((c) => cell(c.value(job), c.width));
				const state = cols[stateCol] as Column;
				return (
					<Text key={`${job.cluster}/${job.slurmJobId}`} wrap="truncate" inverse={here} bold={here}>
						{here ? "▸ " : "  "}
						{`${before.join("  ")}  `}
						<Text color={stateColor(job, theme)}>{cell(job.stateText, state.width)}</Text>
						{`  ${after.join("  ")}`}
					</Text>
				);
			})}
		</>,
	);
}
