// A confusion matrix (rows: the true class, columns: the predicted one) -> its totals, the shade
// of each cell, the most common mistake and each class's accuracy. No DOM access.

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

/** Each class's accuracy, from its row (every test image of that class): row i ->
 * {correct: matrix[i][i], total: the row's sum, accuracy: correct / total, or null for an empty row}. */
export function classAccuracies(matrix) {
  return matrix.map((row, i) => {
    const total = row.reduce((a, b) => a + b, 0);
    const correct = row[i] ?? 0;
    return { correct, total, accuracy: total ? correct / total : null };
  });
}

/** The classes with the lowest and the highest accuracy (the first of any tie), as indices into
 * ``classes`` (from classAccuracies): {weakest, strongest}, or null if no class has images. */
export function accuracyExtremes(classes) {
  let weakest = -1;
  let strongest = -1;
  classes.forEach(({ accuracy }, i) => {
    if (accuracy == null) return;
    if (weakest < 0 || accuracy < classes[weakest].accuracy) weakest = i;
    if (strongest < 0 || accuracy > classes[strongest].accuracy) strongest = i;
  });
  return weakest < 0 ? null : { weakest, strongest };
}
