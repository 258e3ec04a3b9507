/**
 * A small file system to fill up: a tmpfs mounted for the test file (as root), unmounted at its
 * end. Where mounting is not allowed, tests that need one skip with the reason.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after } from "node:test";

/** A tmpfs of `kilobytes` as a fresh folder; null where this machine does not let us mount one. */
export function smallDisk(kilobytes: number): string | null {
	const dir = mkdtempSync(join(tmpdir(), "crystal-tui-disk-"));
	try {
		execFileSync("mount", ["-t", "tmpfs", "-o", `size=${kilobytes}k`, "tmpfs", dir], { stdio: "ignore" });
	} catch {
		rmSync(dir, { recursive: true, force: true });
		return null;
	}
	after(() => {
		execFileSync("umount", ["-l", dir], { stdio: "ignore" });
		rmSync(dir, { recursive: true, force: true });
	});
	return dir;
}

/** Why a test that needs a small disk cannot run here; false when it can. */
export function noSmallDisk(): string | false {
	return smallDisk(64) ? false : "skipped: needs to mount a small tmpfs (root)";
}

/** Fills the file system of `dir` to the last byte (with `dir`/filler). */
export function fill(dir: string): void {
	try {
		execFileSync("dd", ["if=/dev/zero", `of=${join(dir, "filler")}`, "bs=4k"], { stdio: "ignore" });
	} catch {
		// dd stops with "No space left on device": that is the point.
	}
}
