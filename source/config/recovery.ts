/**
 * The recovery policy keys, the same in `[defaults]` and in every `[hosts.NAME]` and
 * `[clusters.NAME]`: what the supervisor does when a run fails (`recover`), how many attempts
 * a run gets in all (`max_attempts`, the first included) and after how long without new
 * output a living run is flagged as frozen (`frozen_minutes`).
 */
import { z } from "zod";

export type RecoverMode = "off" | "ask" | "auto";
export const recoverModes: readonly RecoverMode[] = ["off", "ask", "auto"];

export const recoveryFields = {
	recover: z.enum(["off", "ask", "auto"]).optional(),
	max_attempts: z.number().int().min(1).max(20).optional(),
	frozen_minutes: z.number().positive().max(10_080).optional(),
};

export interface RecoveryConfig {
	recover?: RecoverMode;
	maxAttempts?: number;
	frozenMinutes?: number;
}

export function toRecovery(file: {
	recover?: RecoverMode;
	max_attempts?: number;
	frozen_minutes?: number;
}): RecoveryConfig {
	return Object.fromEntries(
		Object.entries({
			recover: file.recover,
			maxAttempts: file.max_attempts,
			frozenMinutes: file.frozen_minutes,
		}).filter(([, v]) => v !== undefined),
	) as RecoveryConfig;
}
