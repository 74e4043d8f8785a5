/**
 * Fine-tuning engine (issue 4): the functions the worker, API, CLI and active learning call.
 * Contract types are in ./types.ts.
 */
export { initTf } from './backend.ts';
export { exportBundle, readBundle } from './bundle.ts';
export { type ClassifierConfig, type LoadedClassifier, loadClassifier, scoreCached } from './classifier.ts';
export { labelledImages, trainClassifier } from './classify.ts';
export { getEncoder, lastLoadedEncoder, projectInputLoader, releaseEncoders } from './engine.ts';
export { evaluateManifest } from './evaluate.ts';
export { encoderForModel, openModel, predict } from './predict.ts';
export { loadSegmenter, type SegmenterConfig, trainSegmenter } from './segment.ts';
export * from './types.ts';
