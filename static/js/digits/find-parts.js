// A view's elements, looked up in one call instead of one querySelector line each:
//   findParts(root, {canvas: "canvas", undo: "[data-pad-undo]"}) -> {canvas: <canvas>, undo: <button>}
// (null where nothing matches). Used by the views of /digits and /receptive-field.

/** {name: selector} -> {name: the first element under `root` matching it, or null}. */
export function findParts(root, selectors) {
  return Object.fromEntries(Object.entries(selectors).map(([name, selector]) => [name, root.querySelector(selector)]));
}
