/**
 * Every job's NAME.out is a local file that grows while it runs, whatever the backend: the
 * output of an SSH or remote SLURM job is written here byte for byte as it streams in, so
 * `tail -f NAME.out`, grep and every client read it like a local job's. Writes are positional:
 * a re-adopted job's output is streamed again from byte 0 and rewrites the same bytes.
 */
import { closeSync, mkdirSync, openSync, renameSync, writeSync } from "node:fs";
import { dirname, join } from "node:path";
import { outputFileName } from "../crystal/staging.js";
import type { JobHandle } from "./backend.js";
import type { JobSpec } from "./runner.js";

/** Where a job's output is on this machine. */
export function localOutputPath(spec: JobSpec, handle: JobHandle | null, outputIsRemote: boolean): string {
	if (handle?.outputPath) {
		// An adopted SLURM job writes where its own options said; over SSH, mirrored here.
		if (!outputIsRemote) return handle.outputPath;
		const safe = (handle.slurmJobId ?? spec.name).replace(/[^\w.-]/g, "_");
		return join(spec.projectDir ?? spec.dir, ".crystal-tui", "adopted", `${safe}.out`);
	}
	return join(spec.dir, outputFileName(spec.name, spec.program));
}

export class OutputMirror {
	private fd: number;

	/** `fresh`: a new run, the previous NAME.out is kept as NAME.out.prev. */
	constructor(
		readonly path: string,
		fresh: boolean,
	) {
		mkdirSync(dirname(path), { recursive: true });
		if (fresh) {
			try {
				renameSync(path, `${path}.prev`);
			} catch {
				// No earlier output.
			}
		}
		this.fd = openSync(path, fresh ? "w" : "a+");
		if (!fresh) {
			closeSync(this.fd);
			this.fd = openSync(path, "r+");
		}
	}

	write(chunk: Buffer, position: number): void {
		if (this.fd < 0) return;
		let done = 0;
		while (done < chunk.length) done += writeSync(this.fd, chunk, done, chunk.length - done, position + done);
	}

	close(): void {
		if (this.fd < 0) return;
		closeSync(this.fd);
		this.fd = -1;
	}
}
