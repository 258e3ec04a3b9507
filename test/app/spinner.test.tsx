import assert from "node:assert/strict";
import { test } from "node:test";
import { FakeController } from "./fake-controller.js";
import { renderCockpit, tick } from "./harness.js";

/** The state mark before each job's name in the title bands of a frame. */
const marks = (frame: string, name: string): string | undefined =>
	new RegExp(`(\\S) ${name} local (starting|running)`).exec(frame)?.[1];

test("a starting job's mark spins on its own; a running job's turns only when it prints", async () => {
	const c = new FakeController(["mgo", "quartz"]);
	const screen = await renderCockpit(c);
	try {
		c.state("mgo", "starting");
		c.state("quartz", "running");
		await screen.waitFor(/mgo local starting/);
		const starting = new Set<string>();
		const running = new Set<string>();
		// 600 ms: ink-spinner's 80 ms frames turn several times; quartz prints nothing.
		for (let i = 0; i < 12; i++) {
			await tick(50);
			const frame = screen.frame();
			const s = marks(frame, "mgo");
			const r = marks(frame, "quartz");
			if (s) starting.add(s);
			if (r) running.add(r);
		}
		assert.ok(starting.size >= 3, `the starting mark spins: ${[...starting].join(" ")}`);
		assert.equal(
			running.size,
			1,
			`the running mark stays while nothing is printed: ${[...running].join(" ")}`,
		);
		const still = [...running][0];
		c.output("quartz", ["CYC 1"]);
		await screen.waitFor(/CYC 1/);
		assert.notEqual(marks(screen.frame(), "quartz"), still, "a new line turns the mark");
	} finally {
		screen.unmount();
	}
});
