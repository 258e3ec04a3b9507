/**
 * The job records rebuilt from the run folders, for a state store that had to be set aside
 * (corrupt). Each local run leaves `.crystal-tui/runs/NAME/` beside its deck: the job script
 * (which says how the job was run), the PID record written first and the exit record written
 * last, and NAME.out beside the deck. A rebuilt record is a launch whose handle was never
 * recorded ("starting", no handle): the runner then recovers the handle from the PID record as
 * it does for a launch cut short, follows NAME.out from byte 0 and reads the exit record, so a
 * running job is followed again and an ended one gets its result back.
 *
 * Jobs on SSH hosts and clusters keep their run folders there, not here: they cannot be found
 * from this folder alone.
 */
import { type Dirent, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { deckFileName, isPropertiesId } from "../crystal/staging.js";
import type { RunRecord } from "../runner/run-store.js";

/** As deep as deck discovery looks (discover.ts). */
const maxDepth = 4;

export function rebuildRecords(projectDir: string): RunRecord[] {
	const records: RunRecord[] = [];
	const walk = (dir: string, depth: number): void => {
		const runs = join(dir, ".crystal-tui", "runs");
		for (const entry of entries(runs)) {
			if (!entry.isDirectory()) continue;
			const record = recordFrom(projectDir, dir, entry.name, join(runs, entry.name));
			if (record) records.push(record);
		}
		if (depth >= maxDepth) return;
		for (const entry of entries(dir)) {
			if (entry.isDirectory() && !entry.name.startsWith(".") && entry.name !== "node_modules") {
				walk(join(dir, entry.name), depth + 1);
			}
		}
	};
	walk(projectDir, 0);
	return records.sort((a, b) => a.jobId.localeCompare(b.jobId));
}

function entries(dir: string): Dirent[] {
	try {
		return readdirSync(dir, { withFileTypes: true });
	} catch {
		return [];
	}
}

function recordFrom(projectDir: string, jobDir: string, runName: string, runDir: string): RunRecord | null {
	let script: string;
	let pidWrittenAt: number;
	try {
		script = readFileSync(join(runDir, "job.sh"), "utf8");
		pidWrittenAt = statSync(join(runDir, "pid")).mtimeMs;
	} catch {
		// Never launched here (or launched on another machine): nothing to follow.
		return null;
	}
	// A properties run keeps its records in runs/NAME.d3, beside its SCF's runs/NAME.
	const properties = isPropertiesId(runName);
	const name = properties ? runName.slice(0, -3) : runName;
	try {
		statSync(join(jobDir, deckFileName(name, properties ? "properties" : "crystal")));
	} catch {
		return null;
	}
	const rel = relative(projectDir, jobDir);
	const jobId = rel === "" ? runName : `${rel.split(sep).join("/")}/${runName}`;
	const ranks = Number(/ -np (\d+) "\$exe"/.exec(script)?.[1] ?? 1);
	const threads = Number(/^OMP_NUM_THREADS=(\d+);/m.exec(script)?.[1] ?? 1);
	return {
		jobId,
		spec: {
			id: jobId,
			name,
			...(properties ? { program: "properties" as const } : {}),
			dir: jobDir,
			runner: "local",
			parallelism: { ranks, threads },
			keepScratch: /^keep_scratch=1$/m.test(script),
		},
		state: "starting",
		detail: "found again in its run folder",
		handle: null,
		offset: 0,
		// The launch began when the script wrote its PID record: the runner takes that record
		// as this launch's.
		startedAt: Math.floor(pidWrittenAt),
		endedAt: null,
		stopRequested: false,
		result: null,
	};
}
