/**
 * The deck module's entry point for the rest of the program: reading a deck before launch
 * (`deck/read.ts`), its block layout (`deck/layout.ts`) and keyword edits (`deck/edit.ts`).
 */

export type { DeckChange, DeckEdit, EditedDeck } from "./deck/edit.js";
export { describeChange, editDeck, keywordValue } from "./deck/edit.js";
export { DeckLayoutError, layoutDeck } from "./deck/layout.js";
export type { DeckInfo, DeckKind, GeometryKind } from "./deck/read.js";
export { readDeck, readPropertiesDeck } from "./deck/read.js";
