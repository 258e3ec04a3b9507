/**
 * The project's job records in `.crystal-tui/state.db` (SQLite, node:sqlite), shared by every
 * crystal-tui started in the folder: the cockpit, `status` and `stop` from another shell, and
 * the next start that re-attaches. WAL mode lets them read while one writes.
 *
 * A store that is not a database any more (corrupt) is moved aside as
 * `state.db.corrupt-TIMESTAMP` and rebuilt from the run folders (store-rebuild.ts), so running
 * jobs are still followed. One that cannot be opened for another reason (a full disk, no
 * permission) is a StateStoreError naming the file and what to do. A write that fails because
 * the disk filled up while jobs run keeps the record in memory and is tried again at the next
 * write: the jobs are still followed to their end rather than lost track of.
 */
import { mkdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync, type StatementSync } from "node:sqlite";
import type { RunRecord, RunStore } from "../runner/run-store.js";
import { LaunchError } from "../runner/runner.js";
import { rebuildRecords } from "./store-rebuild.js";

export const stateDirOf = (projectDir: string): string => join(projectDir, ".crystal-tui");

/** The store cannot be used; the message names the file and what to do. */
export class StateStoreError extends LaunchError {
	override name = "StateStoreError";
}

export interface StateStoreOptions {
	/** Told once about something the user should know (the store rebuilt, writes failing). */
	notice?: (message: string) => void;
}

/** SQLite result codes (sqlite.org/rescode.html) that mean the file's contents are not usable. */
const corruptCodes = new Set([11 /* SQLITE_CORRUPT */, 26 /* SQLITE_NOTADB */]);
/** ... and those that mean the disk is full or failing: the data may be fine, there is no room. */
const diskCodes = new Set([10 /* SQLITE_IOERR */, 13 /* SQLITE_FULL */]);

const sqliteCode = (error: unknown): number | undefined =>
	((error as { errcode?: number }).errcode ?? 0) & 0xff || undefined;

interface Statements {
	selectAll: StatementSync;
	upsert: StatementSync;
	updateOffset: StatementSync;
	dataVersion: StatementSync;
}

interface Row {
	record: string;
	output_offset: number;
}

export class StateStore implements RunStore {
	readonly path: string;
	private readonly db: DatabaseSync;
	private readonly s: Statements;
	private readonly notice: (message: string) => void;
	/** Records whose last write failed (a full disk): these win over what the file holds. */
	private readonly unsaved = new Map<string, RunRecord>();
	private warnedUnsaved = false;
	/**
	 * Every record as last read from the file, and the file's data_version then (SQLite changes
	 * it when another connection commits, never for this one's own writes, which are put here as
	 * they are made). The supervisor asks for the records at every event and timer while they
	 * change a few times a minute: reading and decoding them all each time was most of its work
	 * at rest.
	 */
	private cache: { version: number; byId: Map<string, RunRecord>; sorted: RunRecord[] | null } | null = null;

	constructor(projectDir: string, options: StateStoreOptions = {}) {
		const dir = stateDirOf(projectDir);
		this.path = join(dir, "state.db");
		this.notice = options.notice ?? ((m) => process.stderr.write(`crystal-tui: ${m}\n`));
		try {
			mkdirSync(dir, { recursive: true });
		} catch (error) {
			throw this.cannotOpen(error);
		}
		let opened: { db: DatabaseSync; s: Statements };
		try {
			opened = open(this.path);
		} catch (error) {
			if (!corruptCodes.has(sqliteCode(error) ?? 0)) throw this.cannotOpen(error);
			opened = this.setAsideAndRebuild(projectDir, error);
		}
		this.db = opened.db;
		this.s = opened.s;
	}

	get(jobId: string): RunRecord | undefined {
		return this.unsaved.get(jobId) ?? this.saved().byId.get(jobId);
	}

	put(record: RunRecord): void {
		this.unsaved.set(record.jobId, record);
		this.flush();
	}

	setOffset(jobId: string, offset: number): void {
		const unsaved = this.unsaved.get(jobId);
		if (unsaved) {
			if (unsaved.offset < offset) this.unsaved.set(jobId, { ...unsaved, offset });
			return;
		}
		try {
			this.s.updateOffset.run(offset, Date.now(), jobId, offset);
			const cached = this.cache?.byId.get(jobId);
			if (this.cache && cached && cached.offset < offset) {
				this.cache.byId.set(jobId, { ...cached, offset });
				this.cache.sorted = null;
			}
		} catch (error) {
			const record = this.get(jobId);
			if (!diskCodes.has(sqliteCode(error) ?? 0) || !record) throw error;
			this.unsaved.set(jobId, { ...record, offset: Math.max(record.offset, offset) });
			this.warnUnsaved(error);
		}
	}

	list(): RunRecord[] {
		const saved = this.saved();
		if (this.unsaved.size === 0) {
			saved.sorted ??= byJobId([...saved.byId.values()]);
			return [...saved.sorted];
		}
		const byId = new Map(saved.byId);
		for (const [id, r] of this.unsaved) byId.set(id, r);
		return byJobId([...byId.values()]);
	}

	/** The records in the file, read again only when another connection has written to it. */
	private saved(): { byId: Map<string, RunRecord>; sorted: RunRecord[] | null } {
		const version = Number((this.s.dataVersion.get() as { data_version: number }).data_version);
		if (this.cache?.version !== version) {
			const records = (this.s.selectAll.all() as unknown as Row[]).map(decode);
			this.cache = { version, byId: new Map(records.map((r) => [r.jobId, r])), sorted: null };
		}
		return this.cache;
	}

	close(): void {
		this.flush();
		this.db.close();
	}

	/** Writes every record held in memory; on a full disk they stay there for the next try. */
	private flush(): void {
		for (const [id, record] of this.unsaved) {
			try {
				this.s.upsert.run(id, JSON.stringify(record), record.offset, Date.now());
				this.unsaved.delete(id);
				if (this.cache) {
					this.cache.byId.set(id, record);
					this.cache.sorted = null;
				}
			} catch (error) {
				if (!diskCodes.has(sqliteCode(error) ?? 0)) throw error;
				this.warnUnsaved(error);
				return;
			}
		}
	}

	private warnUnsaved(error: unknown): void {
		if (this.warnedUnsaved) return;
		this.warnedUnsaved = true;
		this.notice(
			`cannot write ${this.path}: ${(error as Error).message}; the jobs are still followed, but what happens to them is not saved until there is room again: free some space on that disk`,
		);
	}

	private cannotOpen(error: unknown): StateStoreError {
		const why = (error as Error).message;
		const code = sqliteCode(error);
		const full =
			code === 13 || (error as NodeJS.ErrnoException).code === "ENOSPC" || /disk is full/.test(why);
		const what = full
			? "the disk is full: free some space there and start again"
			: code === 10
				? "the disk could not be read or written (full, or failing): check it, free some space, and start again"
				: "check that the folder is yours and writable, and start again";
		return new StateStoreError(`cannot open ${this.path}: ${why}: ${what}`);
	}

	/** A corrupt store: kept aside for whoever wants to look at it, and a new one made from the
	 * run folders. */
	private setAsideAndRebuild(projectDir: string, error: unknown): { db: DatabaseSync; s: Statements } {
		const stamp = new Date()
			.toISOString()
			.replaceAll(/[-:]/g, "")
			.replace(/\.\d+Z$/, "Z");
		const aside = `${this.path}.corrupt-${stamp}`;
		try {
			renameSync(this.path, aside);
			for (const suffix of ["-wal", "-shm"]) {
				try {
					renameSync(`${this.path}${suffix}`, `${aside}${suffix}`);
				} catch {
					rmSync(`${this.path}${suffix}`, { force: true });
				}
			}
		} catch (moveError) {
			throw new StateStoreError(
				`${this.path} is damaged (${(error as Error).message}) and cannot be moved aside (${(moveError as Error).message}): move or delete it by hand and start again`,
			);
		}
		let opened: { db: DatabaseSync; s: Statements };
		try {
			opened = open(this.path);
		} catch (openError) {
			throw this.cannotOpen(openError);
		}
		const records = rebuildRecords(projectDir);
		for (const r of records) opened.s.upsert.run(r.jobId, JSON.stringify(r), r.offset, Date.now());
		this.notice(
			`${this.path} was damaged (${(error as Error).message}): kept as ${aside} and made anew from the run folders (${records.length} job${records.length === 1 ? "" : "s"} found again)`,
		);
		return opened;
	}
}

function open(path: string): { db: DatabaseSync; s: Statements } {
	const db = new DatabaseSync(path);
	try {
		db.exec("PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 5000; PRAGMA synchronous = NORMAL;");
		db.exec(`CREATE TABLE IF NOT EXISTS runs (
			job_id TEXT PRIMARY KEY,
			record TEXT NOT NULL,
			output_offset INTEGER NOT NULL DEFAULT 0,
			updated_at INTEGER NOT NULL
		)`);
		// Damage inside the file shows only when its pages are read: read them all now, once.
		const check = db.prepare("PRAGMA quick_check").all() as { quick_check: string }[];
		if (check.length !== 1 || check[0]?.quick_check !== "ok") {
			throw Object.assign(new Error(`database disk image is malformed (${check[0]?.quick_check})`), {
				errcode: 11,
			});
		}
		for (const row of db.prepare("SELECT record FROM runs").all() as { record: string }[]) {
			try {
				JSON.parse(row.record);
			} catch {
				throw Object.assign(new Error("a job record is not valid JSON"), { errcode: 11 });
			}
		}
		return {
			db,
			s: {
				selectAll: db.prepare("SELECT record, output_offset FROM runs ORDER BY job_id"),
				upsert: db.prepare(
					`INSERT INTO runs (job_id, record, output_offset, updated_at) VALUES (?, ?, ?, ?)
			 ON CONFLICT(job_id) DO UPDATE SET record = excluded.record, output_offset = excluded.output_offset, updated_at = excluded.updated_at`,
				),
				updateOffset: db.prepare(
					"UPDATE runs SET output_offset = ?, updated_at = ? WHERE job_id = ? AND output_offset < ?",
				),
				dataVersion: db.prepare("PRAGMA data_version"),
			},
		};
	} catch (error) {
		db.close();
		throw error;
	}
}

const byJobId = (records: RunRecord[]): RunRecord[] => records.sort((a, b) => a.jobId.localeCompare(b.jobId));

function decode(row: Row): RunRecord {
	const record = JSON.parse(row.record) as RunRecord;
	return { ...record, offset: row.output_offset };
}
