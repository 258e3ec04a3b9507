/**
 * The environment a job started from this shell runs with. The supervisor may launch it much
 * later (after a wait in the queue, after a restart of the supervisor), so the shell's
 * environment goes with the request and is kept with the job: PATH, CRY23_EXEDIR, modules'
 * variables, MPI settings. Variables that look like secrets are left out: they would be
 * written to the project's state store.
 */
const secret = /(TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL|API_?KEY)/i;

export function jobEnvironment(env: NodeJS.ProcessEnv): Record<string, string> {
	const kept: Record<string, string> = {};
	for (const [name, value] of Object.entries(env)) {
		if (value === undefined || secret.test(name) || name === "CRYSTAL_TUI_ROLE") continue;
		kept[name] = value;
	}
	return kept;
}
