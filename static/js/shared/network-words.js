// How a page names the network that answers it: its architecture, and which weights (the
// pretrained ones, a training run's, or an imported network's). No DOM access.

/** An architecture's name in a sentence: "lenet5" -> "LeNet-5", "mlp" -> "the MLP". */
export function architectureName(architecture) {
  if (architecture === "lenet5") return "LeNet-5";
  if (architecture === "mlp") return "the MLP";
  if (architecture === "custom") return "network";
  return String(architecture ?? "network");
}

/** /api/model's "source" ("pretrained", "run:<id>", "import:<id>") -> {kind, text, id?}. */
export function modelLabel(source, architecture = "lenet5") {
  const name = architectureName(architecture);
  if (source === "pretrained") return { kind: "pretrained", text: `the pretrained ${name}` };
  const run = /^run:(.+)$/.exec(String(source ?? ""));
  if (run) return { kind: "run", run: run[1], text: `${name === "network" ? "the network" : name} from training run ${run[1]}` };
  const imported = /^import:(.+)$/.exec(String(source ?? ""));
  if (imported) return { kind: "import", id: imported[1], text: `the ${name} you imported (${imported[1]})` };
  return { kind: "other", text: String(source ?? "an unknown model") };
}
