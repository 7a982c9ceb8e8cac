// Lesson 2, /lessons/padding-and-stride: the tutorial's zero-fill example in 1-D, with and without
// padding side by side (zero-fill-section.js), then a 2-D sliding window with every border mode,
// stride and dilation, animated step by step (sliding-window-section.js).

import { start } from "./lesson-page.js";
import { SlidingWindowSection } from "./sliding-window-section.js";
import { ZeroFillSection } from "./zero-fill-section.js";

start("padding-and-stride", (page) => {
  const parts = [new ZeroFillSection(page), new SlidingWindowSection(page)];
  for (const part of parts) part.request();
});
