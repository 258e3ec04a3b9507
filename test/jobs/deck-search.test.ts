/**
 * Looking for decks again without reading every folder: the search notes each folder's time,
 * and a folder whose time has not moved still holds the decks found there. A deck added,
 * removed or renamed anywhere in the project is a change; output growing is not.
 */
import assert from "node:assert/strict";
import { appendFile, mkdir, rename, rm, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, test } from "node:test";
import { type FolderTimes, findDecks, foldersUnchanged } from "../../source/jobs/discover.js";
import { hostedProject } from "../helpers/hosted.js";
import { deck, removeProject, tempProject } from "../helpers/project.js";

const made: string[] = [];
after(async () => {
	for (const dir of made) await removeProject(dir);
});

/** Every folder of the project made older, as a project is between changes. */
async function age(dir: string, folders: string[]): Promise<void> {
	const old = new Date(Date.now() - 60_000);
	for (const f of folders) await utimes(join(dir, f), old, old);
}

async function search(dir: string): Promise<{ read: FolderTimes; at: number; ids: string[] }> {
	const read: FolderTimes = new Map();
	const at = Date.now();
	const ids = (await findDecks(dir, read)).map((d) => d.id);
	return { read, at, ids };
}

test("a search stands while no folder changed, and not once a deck comes, goes or is renamed", async () => {
	const dir = await tempProject({ "mgo.d12": deck("MgO bulk"), "mgo.out": "" });
	made.push(dir);
	await mkdir(join(dir, "surf", "slab"), { recursive: true });
	await writeFile(join(dir, "surf", "slab", "si.d12"), deck("Si bulk"));
	const folders = [".", "surf", join("surf", "slab")];
	await age(dir, folders);

	let s = await search(dir);
	assert.deepEqual(s.ids, ["mgo", "surf/slab/si"]);
	assert.deepEqual([...s.read.keys()].sort(), [dir, join(dir, "surf"), join(dir, "surf", "slab")].sort());
	// A running job's output grows: nothing to look for.
	await appendFile(join(dir, "mgo.out"), " CYC   1 ETOT(AU) -2.7E+02\n");
	assert.equal(foldersUnchanged(s.read, s.at), true);

	// A deck added deep down.
	await writeFile(join(dir, "surf", "slab", "ge.d12"), deck("Ge bulk"));
	assert.equal(foldersUnchanged(s.read, s.at), false);
	await age(dir, folders);
	s = await search(dir);
	assert.deepEqual(s.ids, ["mgo", "surf/slab/ge", "surf/slab/si"]);
	assert.equal(foldersUnchanged(s.read, s.at), true);

	// Renamed, then removed.
	await rename(join(dir, "mgo.d12"), join(dir, "mgo2.d12"));
	assert.equal(foldersUnchanged(s.read, s.at), false);
	await age(dir, folders);
	s = await search(dir);
	assert.deepEqual(s.ids, ["mgo2", "surf/slab/ge", "surf/slab/si"]);
	await rm(join(dir, "surf", "slab"), { recursive: true });
	assert.equal(foldersUnchanged(s.read, s.at), false);
});

test("a folder changed just before the search is read again: a time in whole seconds may hide a second change", async () => {
	const dir = await tempProject({ "mgo.d12": deck("MgO bulk") });
	made.push(dir);
	const s = await search(dir);
	assert.equal(foldersUnchanged(s.read, s.at), false);
});

test("the project's quick look finds a deck added to a folder that was quiet, and keeps the rest", async () => {
	const dir = await tempProject({ "mgo.d12": deck("MgO bulk") });
	made.push(dir);
	await age(dir, ["."]);
	const { project } = await hostedProject(dir);
	try {
		assert.deepEqual(project.jobIds(), ["mgo"]);
		await project.rescan(true);
		assert.deepEqual(project.jobIds(), ["mgo"]);
		await writeFile(join(dir, "si.d12"), deck("Si bulk"));
		await project.rescan(true);
		assert.deepEqual(project.jobIds(), ["mgo", "si"]);
		assert.deepEqual(
			project.jobs().map((j) => j.spec.id),
			project.jobIds(),
		);
	} finally {
		await project.detach();
	}
});
