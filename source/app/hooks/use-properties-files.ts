/**
 * The bands and DOS a properties job left, for its result view: read when the view opens on
 * such a job and again when the job's run ends (a new NAME_BAND.DAT, NAME_DOSS.DAT, NAME.f25).
 */
import { useEffect, useState } from "react";
import type { JobsController } from "../../jobs/controller.js";
import type { PropertiesFiles } from "../../jobs/properties-files.js";

export function usePropertiesFiles(
	controller: JobsController,
	jobId: string | null,
	/** Changes when the run ends or a new one starts: the files are read again. */
	runKey: string,
): PropertiesFiles | null {
	const [files, setFiles] = useState<PropertiesFiles | null>(null);
	// biome-ignore lint/correctness/useExhaustiveDependencies: runKey is what makes it read the files again
	useEffect(() => {
		if (!jobId || !controller.propertiesFiles) {
			setFiles(null);
			return;
		}
		let live = true;
		controller.propertiesFiles(jobId).then(
			(next) => live && setFiles(next),
			(error: unknown) =>
				live &&
				setFiles({
					bands: null,
					bandsFile: null,
					dos: null,
					dosFile: null,
					problems: [`cannot read the files: ${error instanceof Error ? error.message : String(error)}`],
				}),
		);
		return () => {
			live = false;
		};
	}, [controller, jobId, runKey]);
	return files;
}
