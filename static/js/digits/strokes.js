// Stroke geometry for the drawing pad: pointer positions to logical coordinates, thinning a
// still pen's points, and the smooth path through them. No DOM access.

/** Strokes are kept in a 280 x 280 "logical" square whatever size the canvas is shown at. */
export const LOGICAL_SIZE = 280;
export const STROKE_WIDTHS = { min: 8, max: 48, step: 2, initial: 22 };

/** A pointer position over an element drawn in `rect` (CSS pixels) -> logical coordinates. */
export function pointToLogical(clientX, clientY, rect, size = LOGICAL_SIZE) {
  return {
    x: round2(((clientX - rect.left) / rect.width) * size),
    y: round2(((clientY - rect.top) / rect.height) * size),
  };
}

function round2(v) {
  return Math.round(v * 100) / 100;
}

/** Add a point to a stroke unless it is within `minStep` of the last one (a still pen). */
export function addPoint(points, point, minStep = 0.75) {
  const last = points[points.length - 1];
  if (last && Math.hypot(point.x - last.x, point.y - last.y) < minStep) return false;
  points.push(point);
  return true;
}

/**
 * A stroke's points -> path commands for a smooth line: quadratic curves through the midpoints
 * of successive points (the points themselves are the control points), so fast strokes with
 * few samples still look round. One point is a dot.
 * @returns {Array<["dot", number, number] | ["M" | "L", number, number] | ["Q", number, number, number, number]>}
 */
export function strokePath(points) {
  if (points.length === 0) return [];
  if (points.length === 1) return [["dot", points[0].x, points[0].y]];
  if (points.length === 2) return [["M", points[0].x, points[0].y], ["L", points[1].x, points[1].y]];
  const path = [["M", points[0].x, points[0].y]];
  for (let i = 1; i < points.length - 1; i += 1) {
    const p = points[i];
    const q = points[i + 1];
    path.push(["Q", p.x, p.y, (p.x + q.x) / 2, (p.y + q.y) / 2]);
  }
  const last = points[points.length - 1];
  path.push(["L", last.x, last.y]);
  return path;
}

export function isEmptyDrawing(strokes) {
  return !strokes || !strokes.some((s) => s.points.length > 0);
}

/** The canvas side in pixels for a pad shown `shownWidth` CSS pixels wide on a screen of
 * `pixelRatio`: sharp (up to 2 device pixels per CSS pixel), between 140 and 640, and never more
 * pixels than the server accepts in a drawing (`maxPixels`, pageLimits().max_digit_pixels). */
export function padResolution(shownWidth, pixelRatio, maxPixels = Infinity) {
  const wanted = Math.max(140, Math.min(640, Math.round((shownWidth || LOGICAL_SIZE) * Math.min(2, pixelRatio || 1))));
  const largest = Number.isFinite(maxPixels) && maxPixels > 0 ? Math.floor(Math.sqrt(maxPixels)) : wanted;
  return Math.max(1, Math.min(wanted, largest));
}
