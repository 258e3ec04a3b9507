/**
 * Loads the modules that draw the cockpit (Ink, React, Yoga) in the leanest way they offer.
 * Both adjustments hold only while they load, so nothing else in the process sees them.
 *
 * - React, its reconciler and its scheduler choose their development or production build from
 *   NODE_ENV when first loaded. The development build records a stack trace for every element
 *   it creates, on every frame, which a cockpit drawing thousands of lines a second cannot
 *   afford; so the production build is loaded unless NODE_ENV says otherwise. NODE_ENV is
 *   removed again afterwards: the jobs started from the cockpit inherit the environment.
 * - Yoga's loader reads its WebAssembly, which it carries as a base64 data: URL, with fetch()
 *   when fetch exists. In Node that loads the whole fetch implementation (undici and its own
 *   WebAssembly HTTP parser), about 17 MB of resident memory used for nothing. Without fetch
 *   the loader decodes the same bytes itself.
 */
export async function loadUi<T>(load: () => Promise<T>): Promise<T> {
	const setEnv = process.env.NODE_ENV === undefined;
	if (setEnv) process.env.NODE_ENV = "production";
	const { fetch } = globalThis;
	Reflect.set(globalThis, "fetch", undefined);
	try {
		return await load();
	} finally {
		Reflect.set(globalThis, "fetch", fetch);
		if (setEnv) delete process.env.NODE_ENV;
	}
}
