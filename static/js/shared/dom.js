// Building the pages' elements.

/** A new `tag` element with `className` and, unless null or undefined, `text` as its content. */
export function el(tag, className = "", text = null) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== null && text !== undefined) node.textContent = text;
  return node;
}

/** A view's elements in one call: findParts(root, {canvas: "canvas", undo: "[data-pad-undo]"}) ->
 * {canvas: <canvas>, undo: <button>}, the first match under `root` for each (null for none). */
export function findParts(root, selectors) {
  return Object.fromEntries(Object.entries(selectors).map(([name, selector]) => [name, root.querySelector(selector)]));
}

const SVG = "http://www.w3.org/2000/svg";

/** A new SVG `tag` element with `attributes` set and, unless null, `text` as its content. */
export function svgEl(tag, attributes = {}, text = null) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  if (text !== null) node.textContent = text;
  return node;
}
