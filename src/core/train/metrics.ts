/** Moved to core/stats (evaluation uses it too); kept so existing imports stay valid. */
export * from '../stats/metrics.ts';
