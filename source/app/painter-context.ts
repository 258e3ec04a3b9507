/** The painter of the grid's panes, where the cockpit draws on a terminal (none in tests that
 * render to a string: there Ink draws every frame). */
import { createContext } from "react";
import type { PanePainter } from "./pane-painter.js";

export const PainterContext = createContext<PanePainter | null>(null);
