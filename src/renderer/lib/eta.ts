/**
 * Time left for a job from its own pace so far: elapsed × remaining / done. Says nothing until
 * the job has run a few seconds and finished something, since an early rate is mostly start-up.
 */
export function eta(startedAtMs: number, nowMs: number, done: number, total: number): string | null {
  const elapsed = nowMs - startedAtMs;
  if (done <= 0 || total <= done || elapsed < 3000) return null;
  const left = (elapsed * (total - done)) / done / 1000;
  if (left < 60) return `about ${Math.max(5, Math.round(left / 5) * 5)} s left`;
  if (left < 3600) return `about ${Math.round(left / 60)} min left`;
  const h = Math.floor(left / 3600);
  return `about ${h} h ${Math.round((left - h * 3600) / 60)} min left`;
}
