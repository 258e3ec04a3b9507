import assert from "node:assert/strict";
import { test } from "node:test";
import { FakeController } from "./fake-controller.js";
import { renderCockpit, tick } from "./harness.js";

/** The state mark before each job's name in the title bands of a frame. */
const marks = (frame: string, name: string): string | undefined =>
	new RegExp(`(\\S) ${name} local (starting|running)`).exec(frame)?.[1];

test("a starting job's mark spins on its own; a running job's turns only with the clock", async () => {
	const c = new FakeController(["mgo", "quartz"]);
	const screen = await renderCockpit(c);
	try {
		c.state("mgo", "starting");
		c.state("quartz", "running");
		await screen.waitFor(/mgo local starting/);
		const starting = new Set<string>();
		const running = new Set<string>();
		// 600 ms: ink-spinner's 80 ms frames turn several times, the once-a-second clock once at most.
		for (let i = 0; i < 12; i++) {
			await tick(50);
			const frame = screen.frame();
			const s = marks(frame, "mgo");
			const r = marks(frame, "quartz");
			if (s) starting.add(s);
			if (r) running.add(r);
		}
		assert.ok(starting.size >= 3, `the starting mark spins: ${[...starting].join(" ")}`);
		assert.ok(
			running.size >= 1 && running.size <= 2,
			`the running mark follows the clock: ${[...running].join(" ")}`,
		);
	} finally {
		screen.unmount();
	}
});
