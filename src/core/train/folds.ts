/** Moved to core/stats (one implementation for training and evaluation); kept for existing imports. */
export * from '../stats/folds.ts';
