/**
 * The supervisor's socket: a Unix socket in its private folder (0600, never TCP), one JSON
 * message per line. Each connection may open projects and then receives their events; a
 * client too slow to read its events is dropped rather than let the supervisor's memory grow.
 */
import { chmodSync, rmSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import type { HostedProjects } from "./hosted.js";
import { type EventMessage, encode, MessageReader, type RequestMessage } from "./protocol.js";
import { handle, isRefusal } from "./requests.js";

/** Bytes of events waiting for one client at most. */
const maxBacklog = 16 << 20;

export interface ServerOptions {
	socketPath: string;
	hosted: () => HostedProjects;
	version: string;
	onHandover: () => void;
	log: (text: string) => void;
}

interface Client {
	socket: Socket;
	projects: Set<string>;
}

export class SupervisorServer {
	private readonly clients = new Set<Client>();
	private server: Server | null = null;
	/** When the last client left (for the idle exit). */
	lastClientAt = Date.now();

	constructor(private readonly options: ServerOptions) {}

	get clientCount(): number {
		return this.clients.size;
	}

	/** Projects some client has open now. */
	watchedProjects(): Set<string> {
		const dirs = new Set<string>();
		for (const c of this.clients) for (const d of c.projects) dirs.add(d);
		return dirs;
	}

	async listen(): Promise<void> {
		rmSync(this.options.socketPath, { force: true });
		const server = createServer((socket) => this.accept(socket));
		const mask = process.umask(0o177);
		try {
			await new Promise<void>((resolve, reject) => {
				server.once("error", reject);
				server.listen(this.options.socketPath, () => resolve());
			});
		} finally {
			process.umask(mask);
		}
		chmodSync(this.options.socketPath, 0o600);
		this.server = server;
	}

	broadcast(message: EventMessage): void {
		const line = encode(message);
		for (const client of this.clients) {
			if (!client.projects.has(message.projectDir)) continue;
			if (client.socket.writableLength > maxBacklog) {
				this.options.log("a client fell too far behind its events: dropped");
				client.socket.destroy();
				continue;
			}
			client.socket.write(line);
		}
	}

	async close(): Promise<void> {
		for (const c of this.clients) c.socket.destroy();
		await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
		rmSync(this.options.socketPath, { force: true });
	}

	private accept(socket: Socket): void {
		const client: Client = { socket, projects: new Set() };
		this.clients.add(client);
		const reader = new MessageReader<RequestMessage>((message) => void this.answer(client, message));
		socket.on("data", (chunk) => {
			try {
				reader.push(chunk);
			} catch {
				socket.destroy();
			}
		});
		const gone = () => {
			if (this.clients.delete(client)) this.lastClientAt = Date.now();
		};
		socket.on("close", gone);
		socket.on("error", gone);
	}

	private async answer(client: Client, message: RequestMessage): Promise<void> {
		const { seq, kind, args } = message;
		try {
			const value = await handle(kind, args as never, {
				hosted: this.options.hosted(),
				version: this.options.version,
				subscribe: (dir) => client.projects.add(dir),
				handover: () => setImmediate(this.options.onHandover),
			});
			if (!client.socket.destroyed) client.socket.write(encode({ seq, ok: true, value }));
		} catch (error) {
			const text = error instanceof Error ? error.message : String(error);
			if (!isRefusal(error)) this.options.log(`${kind}: ${error instanceof Error ? error.stack : text}`);
			if (!client.socket.destroyed)
				client.socket.write(encode({ seq, ok: false, error: text, refused: isRefusal(error) }));
		}
	}
}
