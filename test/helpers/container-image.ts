/**
 * A Podman image holding the mock CRYSTAL, built here from a local root file system (no image
 * can be pulled on these machines): busybox (sh and the coreutils the mock uses) with its
 * applet links, and fixtures/bin + fixtures/outputs under /opt/crystal, put together as a
 * tarball and `podman import`ed. Its tag carries a hash of what went in, so a changed mock
 * makes a new image and an unchanged one is built once per machine and user.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "./infra.js";
import { mockBin } from "./project.js";

const env = process.env;
const fixtures = join(mockBin, "..");
/** Where the mock CRYSTAL is inside the image (also on the image's PATH). */
export const imageCrystalDir = "/opt/crystal/bin";

const busyboxCandidates = ["/bin/busybox", "/usr/bin/busybox"];
const busybox = (): string | undefined => busyboxCandidates.find((p) => existsSync(p));
const onPath = (program: string): boolean => spawnSync("sh", ["-c", `command -v ${program}`]).status === 0;

/** The `skip` option of a suite that needs Podman (and busybox for its image): false when both
 * are there, else why not; with CRYSTAL_TUI_REQUIRE_INFRA=1 (CI) their absence fails instead. */
export function podmanOrSkip(): string | false {
	const missing = [onPath("podman") ? "" : "podman", busybox() ? "" : "busybox (busybox-static)"].filter(
		Boolean,
	);
	if (missing.length === 0) return false;
	if (env.CRYSTAL_TUI_REQUIRE_INFRA === "1") {
		throw new Error(
			`CRYSTAL_TUI_REQUIRE_INFRA=1 but ${missing.join(" and ")} not installed: .ci/run installs them`,
		);
	}
	return `skipped: ${missing.join(" and ")} not installed (apt-get install podman runc uidmap busybox-static)`;
}

function contentHash(): string {
	const hash = createHash("sha256");
	const bb = busybox();
	if (bb) hash.update(readFileSync(bb));
	for (const sub of ["bin", "outputs", "outputs/failures"]) {
		const dir = join(fixtures, sub);
		if (!existsSync(dir)) continue;
		for (const name of readdirSync(dir, { withFileTypes: true })) {
			if (!name.isFile()) continue;
			hash.update(`${sub}/${name.name}\0`);
			hash.update(readFileSync(join(dir, name.name)));
		}
	}
	return hash.digest("hex").slice(0, 12);
}

/** The image reference, tagged by content. */
export const mockImage = (): string => `localhost/crystal-tui-mock:${contentHash()}`;

/** The root file system as a tarball readable by every user; returns its path. */
export function mockImageTarball(): string {
	const bb = busybox();
	if (!bb) throw new Error("busybox not found: apt-get install busybox-static");
	const work = tempDir("ct-image-");
	chmodSync(work, 0o755);
	const root = join(work, "root");
	for (const dir of ["bin", "opt/crystal", "tmp", "etc"]) mkdirSync(join(root, dir), { recursive: true });
	chmodSync(join(root, "tmp"), 0o1777);
	cpSync(bb, join(root, "bin", "busybox"));
	const applets = execFileSync(bb, ["--list"], { encoding: "utf8" }).split("\n").filter(Boolean);
	for (const applet of applets) if (applet !== "busybox") symlinkSync("busybox", join(root, "bin", applet));
	cpSync(join(fixtures, "bin"), join(root, "opt/crystal/bin"), { recursive: true });
	cpSync(join(fixtures, "outputs"), join(root, "opt/crystal/outputs"), { recursive: true });
	const tarball = join(work, "root.tar");
	execFileSync("tar", ["-C", root, "--owner=0", "--group=0", "-cf", tarball, "."]);
	chmodSync(tarball, 0o644);
	return tarball;
}

/** The `podman import` line that makes `image` from `tarball` (for this user or another). */
export const importCommand = (tarball: string, image: string): string[] => [
	"podman",
	"import",
	"--change",
	`ENV=PATH=${imageCrystalDir}:/bin`,
	tarball,
	image,
];

/** Builds the image for this user unless it is there; returns its reference. */
export function ensureMockImage(): string {
	const image = mockImage();
	if (spawnSync("podman", ["image", "exists", image]).status === 0) return image;
	const [cmd = "podman", ...args] = importCommand(mockImageTarball(), image);
	execFileSync(cmd, args, { stdio: ["ignore", "ignore", "pipe"] });
	return image;
}

/** Containers (running or not) carrying crystal-tui's label, for this user. */
export function crystalTuiContainers(): string[] {
	const out = execFileSync(
		"podman",
		["ps", "-a", "--filter", "label=crystal-tui.run", "--format", "{{.Names}}"],
		{
			encoding: "utf8",
		},
	);
	return out.split("\n").filter(Boolean);
}
