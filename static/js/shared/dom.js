// Building the pages' elements.

/** A new `tag` element with `className` and, unless null or undefined, `text` as its content. */
export function el(tag, className = "", text = null) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== null && text !== undefined) node.textContent = text;
  return node;
}
