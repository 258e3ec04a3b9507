/**
 * The machine's cores, shared by every local job of every project: ranks x threads of the
 * running local jobs never exceed the cores, unless a job was started with oversubscription
 * asked for. One budget per supervisor; each project's runner asks it before a launch and is
 * told when cores come free elsewhere.
 */
import { availableParallelism } from "node:os";

export class CoreBudget {
	private readonly held = new Map<string, number>();
	private readonly waiters = new Set<() => void>();

	constructor(readonly cores: number = availableParallelism()) {}

	get used(): number {
		let sum = 0;
		for (const n of this.held.values()) sum += n;
		return sum;
	}

	/** Takes `cores` for `key` if they fit (a job alone always fits, so a big job cannot wait for
	 * ever on an idle machine); `force` takes them whatever is free. */
	take(key: string, cores: number, force = false): boolean {
		if (this.held.has(key)) return true;
		const used = this.used;
		if (!force && used > 0 && used + cores > this.cores) return false;
		this.held.set(key, cores);
		return true;
	}

	release(key: string): void {
		if (!this.held.delete(key)) return;
		for (const wake of [...this.waiters]) wake();
	}

	/** Called whenever cores come free; returns the unsubscribe. */
	onFree(wake: () => void): () => void {
		this.waiters.add(wake);
		return () => this.waiters.delete(wake);
	}
}
