// The network's answer on /digits: the prompt before anything is drawn, the guess with its
// confidence and runner-up, the probability bars, the live guess over the pad, the error a
// server sent, and which weights answered. Draws what it is given; fetches nothing.
//
// Markup contract (templates/digits.html): inside the page root, [data-prompt], [data-guess]
// with [data-guess-digit], [data-guess-line], [data-confidence-line] and [data-runner-up-line],
// [data-error], [data-thinking], [data-model-line], [data-live-guess] with [data-live-digit],
// and the bars' <ol data-bars>.

import { el } from "../shared/dom.js";
import { findParts } from "../shared/dom.js";
import { accuracyText, confidenceSentence, guessSentence, modelLabel, runnerUpSentence } from "./prediction-words.js";
import { ProbabilityBars } from "./probability-bars.js";

export class AnswerPanel {
  constructor(root) {
    Object.assign(this, findParts(root, {
      prompt: "[data-prompt]", guess: "[data-guess]", guessDigit: "[data-guess-digit]", guessLine: "[data-guess-line]",
      confidenceLine: "[data-confidence-line]", runnerUpLine: "[data-runner-up-line]", errorBox: "[data-error]",
      thinking: "[data-thinking]", modelLine: "[data-model-line]", liveGuess: "[data-live-guess]",
      liveDigit: "[data-live-digit]",
    }));
    this.bars = new ProbabilityBars(root.querySelector("[data-bars]"));
  }

  /** Nothing drawn: the prompt, no guess. */
  showEmpty() {
    this.#show("prompt");
    this.bars.clear();
  }

  /** The server's own sentence, and no guess. */
  showError(message) {
    this.#show("error");
    this.errorBox.textContent = message;
    this.bars.clear();
  }

  /** An answer from POST /api/digits/predict. */
  showPrediction({ digit, runner_up: runnerUp, probabilities }) {
    this.#show("guess");
    this.guessDigit.textContent = String(digit);
    this.guessLine.textContent = guessSentence(digit);
    this.confidenceLine.textContent = confidenceSentence(probabilities[digit]);
    this.runnerUpLine.textContent = runnerUpSentence(runnerUp, probabilities[runnerUp], probabilities[digit]);
    this.liveDigit.textContent = String(digit);
    this.liveGuess.hidden = false;
    this.bars.update(probabilities, digit, runnerUp);
  }

  setThinking(on) {
    this.thinking.hidden = !on;
  }

  /** Which weights answered (or will): `model` is /api/model's answer when it is for them. */
  showModel(source, architecture, { answered = true, model = null } = {}) {
    const label = modelLabel(source, architecture);
    const accuracy = model && model.source === source ? accuracyText(model.test_accuracy) : "";
    this.modelLine.replaceChildren(answered ? "Answered by " : "Answering: ", el("strong", "", label.text), `${accuracy}. `);
    if (label.kind === "pretrained") {
      const link = el("a", "", "Training");
      link.href = "/training";
      this.modelLine.append("Train your own on ", link, " and activate it to ask that one instead.");
    } else {
      this.modelLine.append("It was activated on the Training page.");
    }
  }

  showModelError() {
    this.modelLine.textContent = "Could not ask the server which network it serves.";
  }

  #show(which) {
    this.prompt.hidden = which !== "prompt";
    this.guess.hidden = which !== "guess";
    this.errorBox.hidden = which !== "error";
    if (which !== "guess") this.liveGuess.hidden = true;
  }
}
