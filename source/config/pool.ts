/**
 * `[pools.NAME]`: several `[hosts.X]` used as one target (`--host NAME`). Each job goes, when it
 * starts, to the member with the most free cores (source/supervisor/placement.ts). Per member,
 * under `[pools.NAME.host.X]`: limits (`max_jobs`, `cores`) and, for machines that sleep or live
 * in a cloud, the commands that bring them up and take them down after `idle_minutes` idle.
 *
 * The commands are argument lists run without a shell: nothing in them is ever parsed by one.
 */
import { z } from "zod";

export interface PoolMember {
	/** The `[hosts.X]` entry. */
	host: string;
	/** Jobs at once on this host (default: the host entry's `max_jobs`, else no limit but cores). */
	maxJobs?: number;
	/** The cores crystal-tui may use there; given, neither `nproc` nor the load of others is read. */
	cores?: number;
	/** Run (no shell) when jobs wait and this host does not answer. */
	startCommand?: string[];
	/** Run (no shell) after the host had no job of crystal-tui for `idleMinutes`. */
	stopCommand?: string[];
	idleMinutes: number;
}

export interface PoolConfig {
	name: string;
	/** File the entry came from, for messages. */
	file: string;
	/** In the order written: the first of equally free hosts is taken first. */
	members: PoolMember[];
	/** Seconds between two checks of a member (reachable? load?). */
	checkSeconds: number;
}

const hostName = z.string().regex(/^[A-Za-z0-9_.-]+$/, "expected a host name of letters, digits, _ . -");
const argument = z
	.string()
	// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
	.regex(/^[^\0-\x1f\x7f]*$/, "a command argument must not contain a newline or control character");
const command = z
	.array(argument)
	.min(1, 'expected a command as a list such as ["wakeonlan", "aa:bb:cc:dd:ee:ff"]');

const memberSchema = z.strictObject({
	max_jobs: z.number().int().positive().optional(),
	cores: z.number().int().positive().optional(),
	start_command: command.optional(),
	stop_command: command.optional(),
	idle_minutes: z.number().positive().default(30),
});

export const poolSchema = z.strictObject({
	hosts: z.array(hostName).min(1, "expected at least one [hosts.X] name"),
	/** Per-member settings: `[pools.NAME.host.X]`. */
	host: z.record(hostName, memberSchema).optional(),
	check_seconds: z.number().min(1).max(3600).default(15),
});

export type PoolFile = z.infer<typeof poolSchema>;

/** The pool entry as the program uses it; `where` names a mistake ("crystal-tui.toml: pools.lab"). */
export function toPool(name: string, file: string, p: PoolFile): PoolConfig {
	const where = `${file}: pools.${name}`;
	const seen = new Set<string>();
	for (const host of p.hosts) {
		if (seen.has(host)) throw new Error(`${where}.hosts: ${host} is listed twice`);
		seen.add(host);
	}
	for (const host of Object.keys(p.host ?? {})) {
		if (!seen.has(host))
			throw new Error(`${where}.host.${host}: ${host} is not in hosts (${p.hosts.join(", ")})`);
	}
	return {
		name,
		file,
		checkSeconds: p.check_seconds,
		members: p.hosts.map((host) => {
			const m = p.host?.[host];
			return {
				host,
				...(m?.max_jobs ? { maxJobs: m.max_jobs } : {}),
				...(m?.cores ? { cores: m.cores } : {}),
				...(m?.start_command ? { startCommand: m.start_command } : {}),
				...(m?.stop_command ? { stopCommand: m.stop_command } : {}),
				idleMinutes: m?.idle_minutes ?? 30,
			};
		}),
	};
}
