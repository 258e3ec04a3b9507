/** The help overlay's text, made from the keymap so it always tells the truth. */
import { keymap, type Mode } from "./keymap.js";
import type { Line } from "./result-lines.js";

const sections: { mode: Mode; title: string }[] = [
	{ mode: "grid", title: "Grid" },
	{ mode: "zoom", title: "Zoomed pane" },
	{ mode: "result", title: "Result view" },
	{ mode: "queue", title: "SLURM queue (Q)" },
	{ mode: "confirm", title: "Confirmation" },
];

export function helpLines(): Line[] {
	const lines: Line[] = [];
	for (const { mode, title } of sections) {
		lines.push({ text: title, tone: "title" });
		const seen = new Set<string>();
		for (const b of keymap) {
			if (!b.modes.includes(mode)) continue;
			const keys = b.keys.map((k) => (k.length === 1 ? k : k.replace("ctrl+", "C-"))).join(" ");
			const text = `  ${keys.padEnd(24)} ${b.description}`;
			if (seen.has(text)) continue;
			seen.add(text);
			lines.push({ text, tone: "plain" });
		}
		lines.push({ text: "", tone: "plain" });
	}
	lines.push({
		text: "Search: / then type, Enter jumps to the latest match; n newer, N older; smartcase.",
		tone: "dim",
	});
	lines.push({
		text: "Quitting leaves running jobs running; the next crystal-tui re-attaches to them.",
		tone: "dim",
	});
	return lines;
}
