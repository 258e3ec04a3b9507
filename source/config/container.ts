/**
 * The `container` entry of `[defaults]`, `[hosts.NAME]` and `[clusters.NAME]`: CRYSTAL run
 * inside an Apptainer/Singularity image or a Podman/Docker image instead of from the machine's
 * own installation. Only the command that starts CRYSTAL changes (source/runner/container.ts).
 *
 * Values reach the engine's command line quoted; what the engines parse themselves (the
 * `SRC:DST` of a bind, the image name) is held to what they accept, so a mistake is named here
 * with its key rather than found by the engine half-way into a job.
 */
import { z } from "zod";

export type ContainerEngine = "apptainer" | "singularity" | "podman" | "docker";

export interface ContainerBind {
	/** Folder or file on the machine that runs the job. */
	source: string;
	/** Where it appears inside the container (the same path when not given). */
	target: string;
}

export interface ContainerConfig {
	engine: ContainerEngine;
	/** A SIF file (or sandbox folder, or a docker:// URI) for Apptainer/Singularity; an image
	 * reference (`localhost/crystal:23`) for Podman/Docker. */
	image: string;
	/** Folder of the CRYSTAL executables inside the image; undefined: the image's PATH. */
	crystalDir?: string;
	/** Mounted read-only: the scratch folder is the only thing the container writes. */
	binds: ContainerBind[];
	/** Extra options of `ENGINE run` / `ENGINE exec`, one argument each, placed before the image. */
	options: string[];
	/** Options of the engine itself, placed before `run`/`exec`. */
	engineOptions: string[];
}

const noControl = (what: string) =>
	// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
	z.string().regex(/^[^\0-\x1f\x7f]*$/, `${what} must not contain a newline or control character`);

/** A path in a bind: absolute, and free of the `:` and `,` the engines split binds on. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
const bindPath = /^\/[^:,\0-\x1f\x7f]*$/;

const bind = z.string().refine(
	(value) => {
		const parts = value.split(":");
		return parts.length <= 2 && parts.every((p) => bindPath.test(p));
	},
	{ message: 'expected "/path" or "/path/on/host:/path/in/image" (absolute paths without , or :)' },
);

export const containerSchema = z
	.strictObject({
		engine: z.enum(["apptainer", "singularity", "podman", "docker"]),
		image: noControl("image")
			.min(1)
			.regex(/^[^-\s]\S*$/, "expected an image without spaces, not starting with -"),
		crystal_dir: noControl("crystal_dir")
			.regex(/^\//, "expected an absolute folder inside the image, such as /opt/crystal/bin")
			.optional(),
		binds: z.array(bind).optional(),
		options: z.array(noControl("an option").min(1)).optional(),
		engine_options: z.array(noControl("an option").min(1)).optional(),
	})
	.superRefine((c, ctx) => {
		// The job runs in a scratch folder: a relative SIF path would be looked for there.
		const file = c.engine === "apptainer" || c.engine === "singularity";
		if (file && !c.image.includes("://") && !c.image.startsWith("/")) {
			ctx.addIssue({
				code: "custom",
				path: ["image"],
				message: "expected an absolute path to a SIF file (or a URI such as docker://...)",
			});
		}
	});

export type ContainerFile = z.infer<typeof containerSchema>;

/** Podman on kernels where crun fails on the cgroups and rlimits: runc, cgroups by hand. */
const podmanEngineOptions = ["--runtime", "runc", "--cgroup-manager", "cgroupfs"];

export function toContainer(c: ContainerFile): ContainerConfig {
	return {
		engine: c.engine,
		image: c.image,
		...(c.crystal_dir ? { crystalDir: c.crystal_dir.replace(/(.)\/+$/, "$1") } : {}),
		binds: (c.binds ?? []).map((b) => {
			const [source = b, target] = b.split(":");
			return { source, target: target ?? source };
		}),
		options: c.options ?? [],
		engineOptions: c.engine_options ?? (c.engine === "podman" ? podmanEngineOptions : []),
	};
}
