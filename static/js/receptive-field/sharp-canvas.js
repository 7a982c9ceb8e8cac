// Canvases on /receptive-field drawn at the size they are shown, times the screen's density, so
// thin grid lines stay even: the canvas's resolution follows its shown width.

/** Keep `canvas` square at its shown width times the screen's density (at most 2 device pixels
 * per CSS pixel, at least `min`), calling `redraw()` after each change. -> the resize function. */
export function keepSharp(canvas, redraw, { min = 64 } = {}) {
  const resize = () => {
    const shown = canvas.getBoundingClientRect().width;
    if (!shown) return;
    const side = Math.max(min, Math.round(shown * Math.min(2, window.devicePixelRatio || 1)));
    if (side === canvas.width && side === canvas.height) return;
    canvas.width = side;
    canvas.height = side;
    redraw();
  };
  new ResizeObserver(resize).observe(canvas);
  return resize;
}
