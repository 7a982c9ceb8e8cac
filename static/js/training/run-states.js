// A run's status and what it allows: which statuses the server still owns, which buttons are
// live, and how far along the run is. No DOM access.

/** Statuses in which the server still owns the run (it may send more messages). */
export const ACTIVE = Object.freeze(["queued", "running", "paused"]);
/** Statuses POST /api/runs/{id}/resume accepts (app/runs/store.py RESUMABLE). */
export const RESUMABLE = Object.freeze(["paused", "stopped", "interrupted", "failed"]);

export function isActive(status) {
  return ACTIVE.includes(status);
}

/** Which controls a run in ``status`` allows; weights exist once an epoch has finished. */
export function allowedActions(status, epochsDone = 0) {
  const known = Boolean(status) && status !== "idle";
  return {
    pause: status === "running",
    resume: RESUMABLE.includes(status),
    stop: ACTIVE.includes(status),
    weights: known && epochsDone > 0,
    remove: known,
  };
}

/** Overall progress of a run in [0, 1] from its latest batch, or its epochs when there is none. */
export function runProgress(latest, epochsDone, epochs) {
  if (!epochs) return 0;
  if (latest) return Math.min(1, (latest.epoch - 1 + latest.batch / latest.batches) / epochs);
  return Math.min(1, (epochsDone || 0) / epochs);
}
