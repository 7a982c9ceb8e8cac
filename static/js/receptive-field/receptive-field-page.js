// The receptive-field page (/receptive-field): wires the grids, the selected unit's panels and
// the stack editor to the API. Each part is its own module; this one holds the page's state and
// says who hears what.
//
// - GET /api/receptive-field (the table) and GET /api/model (layer descriptions, the input's
//   shape) build the grids (network-grids.js) and the served network's table (unit-panel.js).
// - The digit (digit-source.js): the last drawing from /digits, a sample MNIST digit, or one
//   drawn here; POST /api/digits/predict gives the prepared image and every layer's maps.
// - Pointing at a unit (unit-selection.js) asks for its regions and its effective field.
// - The stack editor (stack-panel.js) posts to .../stack.
//
// For tests, the root [data-rf-page] carries data-unit, data-regions-for, data-effective-for,
// data-picture, data-stack-request, data-stack-version and data-busy ("true" while anything is
// pending). The image's side comes from the root's data-field (the server's).

import { fetchModel } from "../digits/digits-api.js";
import { mountNetworkChoice } from "../shared/network-choice.js";
import { DigitSource } from "./digit-source.js";
import { NetworkGrids } from "./network-grids.js";
import { fetchTable } from "./rf-api.js";
import { frameFor, gridLayers } from "./rf-math.js";
import { StackPanel } from "./stack-panel.js";
import { UnitPanel } from "./unit-panel.js";
import { UnitSelection } from "./unit-selection.js";
import { UnitSum } from "./unit-sum.js";

const START_SAMPLE = 7;

/** Everything the page knows, in one place. */
function initialState(root) {
  return {
    root,
    field: Number(root.dataset.field), // the input's side, as the server prepares digits
    table: [], // GET /api/receptive-field's rows
    describe: new Map(), // layer name -> /api/model's description
    layers: [], // gridLayers(): conv and pool layers with their geometry
    frame: null, // frameFor(): the square every grid is drawn in
    picture: null, // {pixels, activations: Map, source, label}
    selected: null, // {layer, y, x}
    channel: null, // the feature map picked, or null for all
    regionCache: new Map(), // "layer:y,x" -> GET /api/receptive-field?layer&y&x's answer
    starting: true, // the table and model are on their way
  };
}

function setUp(root) {
  const state = initialState(root);
  const stageError = root.querySelector("[data-stage-error]");
  const mapSelect = root.querySelector("[data-map]");
  const showStageError = (text) => {
    stageError.textContent = text ?? "";
    stageError.hidden = !text;
  };
  const parts = [];
  const updateBusy = () => {
    root.dataset.busy = String(state.starting || parts.some((part) => part.busy));
  };

  const grids = new NetworkGrids(root.querySelector("[data-grids]"), mapSelect);
  const panel = new UnitPanel(root);
  const selection = new UnitSelection(state, { grids, panel }, { onChange: updateBusy, onError: showStageError });
  const unitSum = new UnitSum(root.querySelector("[data-unit-sum]"), { onChange: updateBusy });
  const source = new DigitSource(root, {
    field: state.field,
    onPicture: (picture) => {
      state.picture = picture;
      showStageError(null);
      grids.draw(picture, state.channel);
      const layer = state.layers.find((l) => l.name === state.selected?.layer);
      if (layer) panel.showPicture(picture.pixels, layer, state.selected);
      selection.requestEffective();
      unitSum.update(state);
    },
    onError: (error) => showStageError(error.message || String(error)),
    onChange: updateBusy,
  });
  const stack = new StackPanel(root, { onChange: updateBusy });
  parts.push(selection, source, stack, unitSum);

  const grid = root.querySelector("[data-grids]");
  const thenSum = (act) => (event) => {
    act(event.detail);
    unitSum.update(state);
  };
  grid.addEventListener("unit-point", thenSum((d) => selection.select(d.layer, d.y, d.x)));
  grid.addEventListener("unit-step", thenSum((d) => selection.step(d.layer, d.dy, d.dx)));
  grid.addEventListener("unit-focus", thenSum((d) => selection.focus(d.layer)));
  mapSelect.addEventListener("change", () => {
    state.channel = mapSelect.value === "" ? null : Number(mapSelect.value);
    grids.draw(state.picture, state.channel);
    selection.requestEffective();
    unitSum.update(state);
  });

  stack.load("lenet5");
  start(state, { grids, panel, selection, source })
    .catch((error) => {
      source.showStatus("");
      showStageError(`Could not load the network\u2019s layers: ${error.message || error}`);
    })
    .finally(() => {
      state.starting = false;
      updateBusy();
    });
  root.classList.add("is-ready");
}

/** Load the served network, build its grids, select a unit of its last layer, show a digit. */
async function start(state, { grids, panel, selection, source }) {
  const [answer, model] = await Promise.all([fetchTable(), fetchModel().catch(() => null)]);
  const modelLayers = model?.layers ?? [];
  state.table = answer.table;
  state.describe = new Map(modelLayers.map((l) => [l.name, l.description]));
  state.layers = gridLayers(state.table, modelLayers, state.field, model?.input_shape?.[0] ?? 1);
  state.frame = frameFor(state.layers, state.field);
  grids.build(state.layers, state.frame, state.field);
  panel.showNetwork(state, model?.architecture ?? answer.architecture);
  grids.draw(state.picture, state.channel);
  const last = state.layers[state.layers.length - 1];
  if (last) selection.select(last.name, Math.floor((last.size - 1) / 2), Math.floor((last.size - 1) / 2));
  const stored = source.showStoredButton();
  if (!(stored?.input && source.useStored())) source.useSample(START_SAMPLE);
}

for (const root of document.querySelectorAll("[data-rf-page]")) setUp(root);
mountNetworkChoice(document.querySelector("[data-network-choice]"));
