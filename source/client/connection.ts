/**
 * A client's line to the supervisor: connects to its socket, starting it first when none
 * answers (the tmux model: the lock decides which of several starters becomes the supervisor,
 * the others simply connect), checks the protocol version, sends requests and hands events to
 * whoever listens. A supervisor older than this client is asked to hand over (its jobs stay
 * untouched) and a new one is started in its place.
 */
import { EventEmitter } from "node:events";
import { connect, type Socket } from "node:net";
import { LaunchError } from "../runner/runner.js";
import { preparePrivateDir, supervisorPaths } from "../supervisor/paths.js";
import {
	type EventMessage,
	encode,
	MessageReader,
	protocolVersion,
	type ReplyMessage,
	type RequestKind,
	type Requests,
	type ServerMessage,
} from "../supervisor/protocol.js";
import { startSupervisor } from "./start-supervisor.js";

/** How long a client waits for a supervisor it started to answer. */
const startTimeoutMs = 15_000;

export class SupervisorUnavailable extends Error {
	override name = "SupervisorUnavailable";
}

interface ConnectionEvents {
	event: [EventMessage];
	close: [];
}

export class SupervisorConnection extends EventEmitter<ConnectionEvents> {
	private nextId = 1;
	private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
	private closed = false;

	private constructor(private readonly socket: Socket) {
		super();
		const reader = new MessageReader<ServerMessage>((message) => this.receive(message));
		socket.on("data", (chunk) => reader.push(chunk));
		const gone = () => {
			if (this.closed) return;
			this.closed = true;
			for (const p of this.pending.values()) p.reject(new SupervisorUnavailable("the supervisor went away"));
			this.pending.clear();
			this.emit("close");
		};
		socket.on("close", gone);
		socket.on("error", gone);
	}

	/** Connects, starting the supervisor if none runs. */
	static async open(version: string): Promise<SupervisorConnection> {
		const paths = supervisorPaths();
		preparePrivateDir(paths.dir);
		let started = false;
		const deadline = Date.now() + startTimeoutMs;
		for (;;) {
			const socket = await tryConnect(paths.socket);
			if (socket) {
				const connection = new SupervisorConnection(socket);
				const hello = await connection.request("hello", { protocol: protocolVersion, version });
				if (hello.protocol === protocolVersion) return connection;
				if (hello.protocol > protocolVersion) {
					connection.close();
					throw new LaunchError(
						`the crystal-tui supervisor running here (pid ${hello.pid}) is version ${hello.version}, newer than this crystal-tui ${version}: use the newer crystal-tui`,
					);
				}
				// An older supervisor: it leaves (its jobs run on), a new one takes them over.
				await connection.request("handover", {}).catch(() => {});
				await connection.closedPromise();
				started = false;
			}
			if (!started) {
				await startSupervisor(paths);
				started = true;
			}
			if (Date.now() > deadline) {
				throw new SupervisorUnavailable(`the crystal-tui supervisor did not start: see ${paths.log}`);
			}
			await sleep(50);
		}
	}

	request<K extends RequestKind>(kind: K, args: Requests[K]["args"]): Promise<Requests[K]["reply"]> {
		if (this.closed) return Promise.reject(new SupervisorUnavailable("the supervisor went away"));
		const seq = this.nextId++;
		return new Promise((resolve, reject) => {
			this.pending.set(seq, { resolve: resolve as (v: unknown) => void, reject });
			this.socket.write(encode({ seq, kind, args }));
		});
	}

	/** A request whose reply does not matter (an acknowledgement), sent at once. */
	notify<K extends RequestKind>(kind: K, args: Requests[K]["args"]): void {
		this.request(kind, args).catch(() => {});
	}

	get isClosed(): boolean {
		return this.closed;
	}

	close(): void {
		this.socket.end();
		this.socket.destroy();
	}

	private closedPromise(): Promise<void> {
		if (this.closed) return Promise.resolve();
		return new Promise((resolve) => this.once("close", () => resolve()));
	}

	private receive(message: ServerMessage): void {
		if ("event" in message) {
			this.emit("event", message);
			return;
		}
		const reply = message as ReplyMessage;
		const waiting = this.pending.get(reply.seq);
		if (!waiting) return;
		this.pending.delete(reply.seq);
		if (reply.ok) waiting.resolve(reply.value);
		else waiting.reject(reply.refused ? new LaunchError(reply.error) : new Error(reply.error));
	}
}

function tryConnect(path: string): Promise<Socket | null> {
	return new Promise((resolve) => {
		const socket = connect(path);
		socket.once("connect", () => {
			socket.removeAllListeners("error");
			resolve(socket);
		});
		socket.once("error", () => resolve(null));
	});
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
