/**
 * Where a job lives on a remote host: under the host's remote root, in a folder named after the
 * project and a short hash of its absolute local path (two projects both called `mgo` never
 * share one), mirroring the job folder's path inside the project. So `~/proj/mgo/opt/mgo.d12`
 * with remote root `crystal-tui` runs in `$HOME/crystal-tui/mgo-1a2b3c4d/opt` there.
 */
import { createHash } from "node:crypto";
import { basename, isAbsolute, posix, relative, sep } from "node:path";

export function remoteJobDir(
	remoteHome: string,
	remoteRoot: string,
	projectDir: string,
	jobDir: string,
): string {
	const root = posix.isAbsolute(remoteRoot) ? remoteRoot : posix.join(remoteHome, remoteRoot);
	const project = `${basename(projectDir) || "project"}-${shortHash(projectDir)}`;
	const rel = relative(projectDir, jobDir);
	if (rel === "") return posix.join(root, project);
	if (rel.startsWith("..") || isAbsolute(rel)) {
		// A job outside the project: its own folder, named so two such folders never meet.
		const tag = shortHash(jobDir);
		return posix.join(root, project, "_outside", `${basename(jobDir)}-${tag}`);
	}
	return posix.join(root, project, ...rel.split(sep));
}

/** Folder for the job script and its PID and exit records, inside the job folder. */
export function runDirFor(jobDir: string, name: string): string {
	return posix.join(jobDir, ".crystal-tui", "runs", name);
}

const shortHash = (path: string): string => createHash("sha256").update(path).digest("hex").slice(0, 8);
