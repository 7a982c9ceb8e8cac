// Lesson 5, /lessons/convolution-types: the cost calculator (conv-cost-section.js, as the learner
// types) and the timed run on a photo (conv-run-section.js, on a button press).

import { ConvCostSection } from "./conv-cost-section.js";
import { ConvRunSection } from "./conv-run-section.js";
import { start } from "./lesson-page.js";

start("convolution-types", (page) => {
  const parts = { cost: new ConvCostSection(page), run: new ConvRunSection(page) };
  parts.cost.request();
});
