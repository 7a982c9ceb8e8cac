// A confusion matrix (rows: the true class, columns: the predicted one) -> its totals, the shade
// of each cell and the most common mistake. No DOM access.

/** A confusion matrix -> {total, correct, errors}. */
export function confusionTotals(matrix) {
  let total = 0;
  let correct = 0;
  matrix.forEach((row, i) => row.forEach((count, j) => {
    total += count;
    if (i === j) correct += count;
  }));
  return { total, correct, errors: total - correct };
}

/** The largest count off the diagonal, and where: {truth, predicted, count}, or null if none. */
export function mostConfused(matrix) {
  let best = null;
  matrix.forEach((row, i) => row.forEach((count, j) => {
    if (i !== j && count > 0 && (!best || count > best.count)) best = { truth: i, predicted: j, count };
  }));
  return best;
}

/** A confusion cell's shade in [0, 1]: right answers by the row's share, mistakes against the
 * largest mistake, so the few errors of a good network still stand out. */
export function confusionShade(matrix, i, j) {
  const count = matrix[i][j];
  if (!count) return 0;
  if (i === j) {
    const row = matrix[i].reduce((a, b) => a + b, 0);
    return row ? count / row : 0;
  }
  const largest = mostConfused(matrix)?.count ?? 0;
  return largest ? Math.sqrt(count / largest) : 0;
}
