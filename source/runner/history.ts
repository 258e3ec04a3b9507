/**
 * The SCF cycles and optimisation points of a run, as the cockpit charts them. Kept where the
 * parser runs, taken once per cycle from the parser's live figures, so that a view opened (or
 * re-opened) late gets the whole history, not only what came after it.
 */
import type { Progress } from "../crystal/result.js";

export interface ScfPoint {
	cycle: number;
	energy: number | null;
	deltaE: number | null;
}

export interface OptPoint {
	point: number;
	energy: number;
}

/** Points kept per kind: a long optimisation keeps its latest SCF cycles and points. */
export const historyLimit = 500;

export class RunHistory {
	readonly scf: ScfPoint[] = [];
	readonly opt: OptPoint[] = [];
	/** Points dropped from the front so far (to tell a reader where `scf[0]` is). */
	scfDropped = 0;

	/** Adds what a progress snapshot shows; true when something was added or replaced. */
	add(progress: Progress): boolean {
		let changed = false;
		if (progress.scfCycle !== null) {
			const last = this.scf.at(-1);
			const point = {
				cycle: progress.scfCycle,
				energy: progress.energyHartree,
				deltaE: progress.deltaEHartree,
			};
			// A new SCF (next optimisation point) starts again at cycle 0 or 1: keep both runs.
			if (last?.cycle === point.cycle) {
				if (last.energy !== point.energy || last.deltaE !== point.deltaE) {
					this.scf[this.scf.length - 1] = point;
					changed = true;
				}
			} else {
				this.scf.push(point);
				changed = true;
			}
			if (this.scf.length > historyLimit) {
				const drop = this.scf.length - historyLimit;
				this.scf.splice(0, drop);
				this.scfDropped += drop;
			}
		}
		if (progress.optPoint !== null && progress.optEnergyHartree !== null) {
			if (this.opt.at(-1)?.energy !== progress.optEnergyHartree) {
				this.opt.push({ point: this.opt.length + 1, energy: progress.optEnergyHartree });
				if (this.opt.length > historyLimit) this.opt.splice(0, this.opt.length - historyLimit);
				changed = true;
			}
		}
		return changed;
	}
}
