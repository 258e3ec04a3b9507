/**
 * A project hosted as the supervisor hosts it (shared backends, settings from a configuration
 * and flags), in the test's own process: for tests of the runner and the backends that watch
 * its events directly.
 */

import type { Config } from "../../source/config/load.js";
import { Project } from "../../source/jobs/project.js";
import { type CommonFlags, settingsFrom } from "../../source/jobs/settings.js";
import { SharedBackends } from "../../source/supervisor/backends.js";

const emptyConfig: Config = { defaults: {}, hosts: {}, clusters: {}, files: [] };

export async function hostedProject(
	dir: string,
	config: Config = emptyConfig,
	flags: CommonFlags = {},
): Promise<{ project: Project; backends: SharedBackends }> {
	const backends = new SharedBackends();
	const project = await Project.open(dir, {
		backendFor: (job) => backends.for(job, config, dir),
		slurmBackend: (cluster) => backends.slurm(cluster, config, dir),
		defaults: () => settingsFrom(flags, config),
	});
	const detach = project.detach.bind(project);
	project.detach = async () => {
		const running = await detach();
		await backends.close();
		return running;
	};
	return { project, backends };
}
