/**
 * Follows a remote NAME.out by byte offset: `tail -c +N -F` streamed over the host's connection.
 * When the connection drops, it reconnects with backoff and asks again from the last byte it
 * delivered, so the caller sees every byte once, in order: no gap, no repeated line.
 *
 * Every chunk is placed by its absolute offset (where its stream started plus what that stream
 * has given so far), and only the part past what was already delivered is passed on. That is
 * what lets a stream and a direct read (drain) overlap safely.
 */
import type { ChildProcessWithoutNullStreams } from "node:child_process";
import type { FollowCallbacks, Follower } from "../backend.js";
import { shellQuote as q } from "../shell-quote.js";
import type { SshConnection } from "./connection.js";
import { firstLine } from "./errors.js";

export interface RemoteFollowOptions {
	/** First and largest wait before reconnecting, ms. */
	backoffMs?: { first: number; max: number };
}

export class RemoteFollower implements Follower {
	private position: number;
	private stream: ChildProcessWithoutNullStreams | null = null;
	private closed = false;
	private retry: NodeJS.Timeout | null = null;
	private delay: number;
	private readonly first: number;
	private readonly max: number;

	constructor(
		private readonly conn: SshConnection,
		private readonly path: string,
		offset: number,
		private readonly callbacks: FollowCallbacks,
		options: RemoteFollowOptions = {},
	) {
		this.position = offset;
		this.first = options.backoffMs?.first ?? 500;
		this.max = options.backoffMs?.max ?? 30_000;
		this.delay = this.first;
		this.open();
	}

	/** Bytes delivered so far, as an absolute offset in the file. */
	get offset(): number {
		return this.position;
	}

	private deliver(start: number, chunk: Buffer): void {
		const end = start + chunk.length;
		if (this.closed || end <= this.position) return;
		if (start > this.position) {
			// Cannot happen: every read starts at or before the delivered position.
			throw new Error(`output gap at byte ${this.position} (chunk starts at ${start})`);
		}
		this.callbacks.data(chunk.subarray(this.position - start));
		this.position = end;
	}

	private open(): void {
		if (this.closed) return;
		const start = this.position;
		let received = 0;
		// The remote tail lives as long as this ssh session: `cat` returns when the session's
		// stdin closes (us closing, or the connection dropping), and takes tail with it.
		const script = `tail -c +${start + 1} -F -- ${q(this.path)} 2>/dev/null & t=$!
cat > /dev/null
kill "$t" 2>/dev/null`;
		const child = this.conn.spawn(script);
		this.stream = child;
		let stderr = "";
		child.stdout.on("data", (chunk: Buffer) => {
			const at = start + received;
			received += chunk.length;
			if (chunk.length > 0) this.delay = this.first;
			this.deliver(at, chunk);
		});
		child.stderr.on("data", (d: Buffer) => {
			stderr += d.toString("utf8");
		});
		child.stdin.on("error", () => {
			// A dropped connection closes the pipe; the close handler reconnects.
		});
		child.on("error", () => {
			// Reported through close.
		});
		child.on("close", (code) => {
			if (this.stream === child) this.stream = null;
			if (this.closed) return;
			const why = firstLine(stderr) || `ssh exit ${code}`;
			this.callbacks.trouble(
				`connection to ${this.conn.target.name} lost (${why}); reconnecting in ${Math.round(this.delay / 100) / 10} s`,
			);
			this.retry = setTimeout(() => {
				this.retry = null;
				this.open();
			}, this.delay);
			this.delay = Math.min(this.max, this.delay * 2);
		});
	}

	/** Reads whatever the file holds past the delivered position now, without waiting for the stream. */
	async drain(): Promise<void> {
		if (this.closed) return;
		const start = this.position;
		const result = await this.conn.run(
			`[ -f ${q(this.path)} ] || exit 0; exec tail -c +${start + 1} -- ${q(this.path)}`,
		);
		if (result.code !== 0) {
			this.callbacks.trouble(
				`reading ${this.path} on ${this.conn.target.name} failed: ${firstLine(result.stderr)}`,
			);
			return;
		}
		this.deliver(start, result.stdout);
	}

	close(): void {
		this.closed = true;
		if (this.retry) clearTimeout(this.retry);
		const child = this.stream;
		this.stream = null;
		if (child) {
			child.stdin.end();
			child.kill("SIGTERM");
		}
	}
}
