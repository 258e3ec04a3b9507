/**
 * Exactly one supervisor at a time, decided by a lock rather than a race: an exclusive SQLite
 * lock on a file of the supervisor's folder, held for the supervisor's whole life. SQLite takes
 * POSIX locks, which the kernel drops when their holder dies (even of SIGKILL), so there is no
 * stale lock to clean up and a second starter learns at once that it is not needed.
 */
import { DatabaseSync } from "node:sqlite";

export class SupervisorLock {
	private constructor(private readonly db: DatabaseSync) {}

	/** The lock, or null when another supervisor holds it. */
	static tryAcquire(path: string): SupervisorLock | null {
		const db = new DatabaseSync(path, { timeout: 0 });
		try {
			db.exec("PRAGMA locking_mode = EXCLUSIVE");
			db.exec("CREATE TABLE IF NOT EXISTS holder (pid INTEGER)");
			db.exec("BEGIN EXCLUSIVE");
			db.prepare("DELETE FROM holder").run();
			db.prepare("INSERT INTO holder (pid) VALUES (?)").run(process.pid);
			return new SupervisorLock(db);
		} catch {
			db.close();
			return null;
		}
	}

	release(): void {
		try {
			this.db.exec("ROLLBACK");
		} catch {
			// Already released.
		}
		this.db.close();
	}
}
