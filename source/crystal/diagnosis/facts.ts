/**
 * The facts a recovery decision rests on, gathered from what the parser reported about a
 * failed attempt and from what the runner knows of how it ended. Pure: the caller reads the
 * files; this only combines.
 */
import type { BandGap, CalcType, CrystalResult, Progress, ScfTrendKind } from "../result.js";

/** Restart files an attempt left in its folder after stage-out (see staging.ts). */
export interface LeftFiles {
	/** NAME.f9 (fort.9): the wave function, read back by GUESSP as fort.20. */
	waveFunction: boolean;
	/** NAME.optinfo (OPTINFO.DAT): the optimisation history, read by OPTGEOM RESTART. */
	optinfo: boolean;
	/** NAME.hessopt (HESSOPT.DAT): the Hessian of the optimisation. */
	hessopt: boolean;
}

/** What the runner knows of the attempt's end, beyond its output. */
export interface RunEnding {
	/** Stopped at its time limit: SLURM state TIMEOUT, or a local/SSH run killed by its limit. */
	timeLimit: boolean;
	left: LeftFiles;
	/** The end of NAME.out (64 KiB is plenty): the electronic state of the last SCF cycle is
	 * read there, since the result gives no band gap for an SCF that did not converge. */
	outputTail: string;
}

export interface FailureFacts {
	/** Ids of the result's diagnoses (catalogue entries, run-cut-off, scf-<trend>). */
	diagnosisIds: readonly string[];
	calcType: CalcType | null;
	scfConverged: boolean | null;
	optConverged: boolean | null;
	terminatedNormally: boolean;
	/** Trend of the last SCF, when it did not converge. */
	trend: ScfTrendKind | null;
	bandGapEv: BandGap;
	/** The last SCF state printed no gap (POSSIBLY CONDUCTING, or spin-locked), or a gap under
	 * 0.5 eV: a metal or a small-gap system, where SMEAR is the cure and LEVSHIFT harms. */
	metallic: boolean;
	timeLimit: boolean;
	/** The run was stopped while an SCF was running: the fort.9 it left (if any) belongs to an
	 * earlier geometry of the optimisation, so it is not used for GUESSP. */
	stoppedDuringScf: boolean;
	/** Optimisation point in progress when the run stopped (1-based), null outside one. */
	optPoint: number | null;
	/** Optimisation points whose energy was printed. */
	optPointsDone: number | null;
	left: LeftFiles;
}

/** Below this gap (eV) an SCF is treated as a metal's: level shifting would lock a wrong state. */
export const smallGapEv = 0.5;

export function failureFacts(result: CrystalResult, progress: Progress, ending: RunEnding): FailureFacts {
	const gap = result.bandGapEv;
	const last = electronicState(ending.outputTail);
	const finalGap = gap === null ? null : typeof gap === "number" ? gap : Math.min(gap.alpha, gap.beta);
	const smallest = last.gapEv ?? finalGap;
	const optPoint = progress.optPoint;
	const optPointsDone = result.optCycles;
	const midPoint = optPoint !== null && (optPointsDone ?? 0) < optPoint;
	const stopped = !result.terminatedNormally;
	return {
		diagnosisIds: result.diagnosis.map((d) => d.id),
		calcType: result.calcType,
		scfConverged: result.scfConverged,
		optConverged: result.optConverged,
		terminatedNormally: result.terminatedNormally,
		trend: result.scfConverged === false || stopped ? (progress.trend?.kind ?? null) : null,
		bandGapEv: gap,
		metallic: last.conducting || (smallest !== null && smallest < smallGapEv),
		timeLimit: ending.timeLimit || result.diagnosis.some((d) => d.id === "walltime"),
		stoppedDuringScf: stopped && (progress.phase === "scf" || midPoint),
		optPoint,
		optPointsDone,
		left: { ...ending.left },
	};
}

/** The state the last SCF cycle in the text printed: CRYSTAL prints, for each cycle, either
 * POSSIBLY CONDUCTING STATE or its gap (one line per spin), or INSULATING STATE with band edges
 * only (CRYSTAL14), or SPIN LOCKING (no gap: not known). */
export function electronicState(text: string): { conducting: boolean; gapEv: number | null } {
	const lines = text.split(/\r?\n/);
	const gaps: number[] = [];
	for (let i = lines.length - 1; i >= 0; i--) {
		const line = lines[i] ?? "";
		const gap = /BAND GAP:\s*(-?\d+(?:\.\d*)?)/.exec(line);
		if (gap) {
			gaps.push(Number(gap[1]));
			// The alpha gap sits just above the beta one; anything else ends the group.
			if (gaps.length === 2) break;
			continue;
		}
		if (gaps.length > 0) break;
		if (line.includes("POSSIBLY CONDUCTING STATE")) return { conducting: true, gapEv: null };
		if (line.includes("INSULATING STATE") || line.includes("SPIN LOCKING"))
			return { conducting: false, gapEv: null };
	}
	return { conducting: false, gapEv: gaps.length === 0 ? null : Math.min(...gaps) };
}
