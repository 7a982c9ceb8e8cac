// Lesson 1, /lessons/cross-correlation: 1-D cross-correlation term by term and its gradients
// checked by finite differences (correlation-1d-section.js), then the same in 2-D
// (correlation-2d-section.js). Each part keeps its own state; this module only starts them.

import { Correlation1dSection } from "./correlation-1d-section.js";
import { Correlation2dSection } from "./correlation-2d-section.js";
import { start } from "./lesson-page.js";

start("cross-correlation", (page) => {
  const parts = [new Correlation1dSection(page), new Correlation2dSection(page)];
  for (const part of parts) part.request();
});
