/**
 * Import contract: files, folders and manifests go in; images, labels and masks come out in
 * the project store. Inputs that fail are listed with the file and the reason; the rest go on.
 */

/** One image to import, from a path on the command line, a folder walk or a manifest row. */
export interface ImportItem {
  /** Absolute path of the image file. */
  file: string;
  /** Class name from a manifest; undefined = no label given. */
  label?: string;
  /** Absolute path of a binary mask PNG for the default mask class. */
  mask?: string;
  patientId?: string;
  source?: string;
  /** Other manifest columns, kept in the image's meta under `manifest`. */
  extra?: Record<string, string>;
  /** Where the item came from, for messages: 'manifest.csv:12'. */
  origin?: string;
}

export interface ImportFailure {
  file: string;
  reason: string;
}

/** Something about an image that was imported all the same: the user should look at it. */
export interface ImportWarning {
  file: string;
  kind: 'non-chest' | 'multi-frame' | 'decode' | 'same-sop';
  message: string;
  imageId?: number;
}

export interface ImportOptions {
  /** Keep the originals where they are instead of copying them into the project. */
  reference?: boolean;
  /** Author recorded on labels and masks that come from a manifest. */
  author?: string;
  /** Files in flight at once; default: twice the CPUs (fsync waits overlap decoding), at most 4. */
  concurrency?: number;
  /** Source / site recorded for inputs whose manifest row does not name one. */
  source?: string;
  /** Thumbnail longest side in pixels. */
  thumbSize?: number;
  onProgress?: (done: number, total: number) => void;
  /** Stops taking new files; what was committed stays, the result says `cancelled`. */
  signal?: AbortSignal;
}

export interface ImportResult {
  /** Inputs seen (image files after expanding folders and manifests). */
  total: number;
  added: number;
  /** Already in the project (same sha256), or twice in this import. */
  duplicates: number;
  labelsSet: number;
  masksSet: number;
  /** Manifest labels that differ from a label already in the project: the project's is kept. */
  labelConflicts: Array<{ file: string; project: string; manifest: string }>;
  /** Manifest classes that were not in the schema and were added to it. */
  classesAdded: string[];
  /** Files in walked folders that are not images (README, CSV…): reported, not imported. */
  skipped: ImportFailure[];
  failed: ImportFailure[];
  /** Imported, but worth a look: non-chest, multi-frame, decoder warnings, same SOP instance. */
  warnings: ImportWarning[];
  /** True when `signal` aborted the import before every file was handled. */
  cancelled: boolean;
  ms: number;
}
