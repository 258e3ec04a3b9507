/**
 * Telling the user that a job ended while it was not on screen: a bell always (tmux turns it
 * into a window flag, terminals into a badge or sound), and a desktop notification on the
 * terminals known to show one. Inside tmux the sequence is wrapped for passthrough; tmux drops
 * it unless `allow-passthrough` is on, which is harmless.
 */

const esc = "\x1b";
const bel = "\x07";

type Flavour = "osc9" | "osc777" | null;

/** Which desktop-notification sequence the terminal understands, from what it tells us. */
export function notificationFlavour(env: NodeJS.ProcessEnv): Flavour {
	const program = `${env.TERM_PROGRAM ?? ""} ${env.LC_TERMINAL ?? ""}`.toLowerCase();
	if (/iterm|wezterm|ghostty|kitty/.test(program) || env.KITTY_WINDOW_ID) return "osc9";
	if ((env.TERM ?? "").startsWith("rxvt-unicode") || (env.TERM ?? "").startsWith("foot")) return "osc777";
	return null;
}

function tmuxWrap(sequence: string): string {
	return `${esc}Ptmux;${sequence.replaceAll(esc, esc + esc)}${esc}\\`;
}

// A notification body must not carry control characters (they would end the sequence).
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this removes
const clean = (text: string) => text.replace(/[\x00-\x1f\x7f-\x9f;]/g, " ");

/** The bytes to write for a notice; no cursor movement, so it never disturbs the frame. */
export function noticeSequence(title: string, body: string, env: NodeJS.ProcessEnv): string {
	const flavour = notificationFlavour(env);
	let osc = "";
	if (flavour === "osc9") osc = `${esc}]9;${clean(`${title}: ${body}`)}${bel}`;
	if (flavour === "osc777") osc = `${esc}]777;notify;${clean(title)};${clean(body)}${bel}`;
	if (osc && env.TMUX) osc = tmuxWrap(osc);
	return bel + osc;
}
