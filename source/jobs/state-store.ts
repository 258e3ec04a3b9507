/**
 * The project's job records in `.crystal-tui/state.db` (SQLite, node:sqlite), shared by every
 * crystal-tui started in the folder: the cockpit, `status` and `stop` from another shell, and
 * the next start that re-attaches. WAL mode lets them read while one writes.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync, type StatementSync } from "node:sqlite";
import type { RunRecord, RunStore } from "../runner/run-store.js";

export const stateDirOf = (projectDir: string): string => join(projectDir, ".crystal-tui");

export class StateStore implements RunStore {
	private readonly db: DatabaseSync;
	private readonly selectOne: StatementSync;
	private readonly selectAll: StatementSync;
	private readonly upsert: StatementSync;
	private readonly updateOffset: StatementSync;

	constructor(projectDir: string) {
		const dir = stateDirOf(projectDir);
		mkdirSync(dir, { recursive: true });
		this.db = new DatabaseSync(join(dir, "state.db"));
		this.db.exec("PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 5000; PRAGMA synchronous = NORMAL;");
		this.db.exec(`CREATE TABLE IF NOT EXISTS runs (
			job_id TEXT PRIMARY KEY,
			record TEXT NOT NULL,
			output_offset INTEGER NOT NULL DEFAULT 0,
			updated_at INTEGER NOT NULL
		)`);
		this.selectOne = this.db.prepare("SELECT record, output_offset FROM runs WHERE job_id = ?");
		this.selectAll = this.db.prepare("SELECT record, output_offset FROM runs ORDER BY job_id");
		this.upsert = this.db.prepare(
			`INSERT INTO runs (job_id, record, output_offset, updated_at) VALUES (?, ?, ?, ?)
			 ON CONFLICT(job_id) DO UPDATE SET record = excluded.record, output_offset = excluded.output_offset, updated_at = excluded.updated_at`,
		);
		this.updateOffset = this.db.prepare(
			"UPDATE runs SET output_offset = ?, updated_at = ? WHERE job_id = ? AND output_offset < ?",
		);
	}

	get(jobId: string): RunRecord | undefined {
		const row = this.selectOne.get(jobId) as { record: string; output_offset: number } | undefined;
		return row ? decode(row) : undefined;
	}

	put(record: RunRecord): void {
		this.upsert.run(record.jobId, JSON.stringify(record), record.offset, Date.now());
	}

	setOffset(jobId: string, offset: number): void {
		this.updateOffset.run(offset, Date.now(), jobId, offset);
	}

	list(): RunRecord[] {
		return (this.selectAll.all() as { record: string; output_offset: number }[]).map(decode);
	}

	close(): void {
		this.db.close();
	}
}

function decode(row: { record: string; output_offset: number }): RunRecord {
	const record = JSON.parse(row.record) as RunRecord;
	return { ...record, offset: row.output_offset };
}
