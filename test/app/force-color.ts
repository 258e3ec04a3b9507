// Colour output on, before Ink (and its colour library) loads: the tests check which codes the
// frames carry, and the test runner's stdout is not a terminal.
process.env.FORCE_COLOR = "1";
