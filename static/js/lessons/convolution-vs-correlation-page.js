// Lesson 3, /lessons/convolution-vs-correlation: cross-correlation and convolution of the same
// input side by side (flip-comparison-section.js), then the kernel a convolutional layer would
// have learned, convolved, next to the cross-correlation with w (learned-kernel-section.js).

import { FlipComparisonSection } from "./flip-comparison-section.js";
import { LearnedKernelSection } from "./learned-kernel-section.js";
import { start } from "./lesson-page.js";

start("convolution-vs-correlation", (page) => {
  const parts = {};
  parts.flip = new FlipComparisonSection(page, {
    onAsk: (inputs) => parts.learned.request(inputs),
    onDrawn: () => parts.learned.draw(),
  });
  parts.learned = new LearnedKernelSection(page, () => parts.flip.correlation);
  parts.flip.request();
});
