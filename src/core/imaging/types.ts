/**
 * Imaging contract. Everything that reads pixels (store import, model input, the viewer)
 * goes through these types; implementations live beside this file.
 */

/** A VOI window in modality units (after rescale slope/intercept or the modality LUT). */
export interface WindowPreset {
  center: number;
  width: number;
  /** DICOM WindowCenterWidthExplanation, or a generated name such as 'full range'. */
  name: string;
  /** LINEAR (default), LINEAR_EXACT or SIGMOID, from VOILUTFunction. */
  fn?: 'LINEAR' | 'LINEAR_EXACT' | 'SIGMOID';
}

/** A DICOM LUT (modality or VOI LUT sequence item). */
export interface Lut {
  firstValueMapped: number;
  bitsPerEntry: number;
  data: Uint16Array;
  explanation?: string;
}

/** Identity and acquisition fields kept for export and for per-site analysis. */
export interface ImageMeta {
  studyInstanceUid?: string;
  seriesInstanceUid?: string;
  sopInstanceUid?: string;
  sopClassUid?: string;
  modality?: string;
  viewPosition?: string;
  bodyPart?: string;
  patientId?: string;
  patientAge?: string;
  patientSex?: string;
  institution?: string;
  manufacturer?: string;
  transferSyntaxUid?: string;
  photometricInterpretation?: string;
  bitsAllocated?: number;
  bitsStored?: number;
  pixelRepresentation?: number;
  numberOfFrames?: number;
  pixelSpacing?: [number, number];
}

export type SourceFormat = 'dicom' | 'png' | 'jpeg';

/** A decoded single-frame grayscale image with everything needed to display and model it. */
export interface DecodedImage {
  format: SourceFormat;
  width: number;
  height: number;
  /**
   * Stored pixel values of the first frame, row-major, after decompression, sign extension
   * and masking to BitsStored. For PNG/JPEG this is the luminance at the file's bit depth.
   */
  raw: Uint8Array | Uint16Array | Int16Array | Uint32Array | Int32Array | Float32Array;
  /** Maximum possible stored value range, e.g. [0, 4095] for 12-bit unsigned. */
  storedRange: [number, number];
  /** Modality transform: rescale slope/intercept (identity for PNG/JPEG)… */
  rescaleSlope: number;
  rescaleIntercept: number;
  /** …or a modality LUT sequence, which takes precedence when present. */
  modalityLut?: Lut;
  /** VOI LUT sequence items (presets); the first is the default when no window is given. */
  voiLuts: Lut[];
  /** Set when the default rendering uses this VOI LUT item instead of `windows[0]`. */
  defaultVoiLut?: number;
  /**
   * All window presets (DICOM windows first, then generated ones like 'min–max');
   * `windows[0]` is the default rendering unless `defaultVoiLut` is set.
   */
  windows: WindowPreset[];
  /** MONOCHROME1 or Presentation LUT INVERSE: invert after the VOI step for display. */
  invert: boolean;
  meta: ImageMeta;
  /** Non-fatal problems, e.g. 'multi-frame (3 frames): using frame 1'. */
  warnings: string[];
}

/** Options for producing the 8-bit display rendering. */
export interface DisplayOptions {
  /** Index into `windows`, or an explicit window; default: the image's default VOI. */
  window?: number | { center: number; width: number };
  /** Use VOI LUT item i instead of a window. */
  voiLutIndex?: number;
  /** Extra user inversion on top of MONOCHROME1 handling. */
  invert?: boolean;
}

/**
 * The model's canonical input. Pretraining (`pretrain/`) and the app use the same recipe:
 * 8-bit display rendering at the default window → pad to a centred square with black (0) →
 * antialiased bilinear (triangle filter, PIL BILINEAR semantics) to size×size →
 * (v/255 − mean)/std, one channel. Parameters come from the encoder's model card.
 */
export interface PreprocessSpec {
  size: number;
  mean: number;
  std: number;
}

/** Where the canonical square came from, to map model outputs (masks) back to the original. */
export interface SquareGeometry {
  /** Side of the padded square in original pixels. */
  side: number;
  /** Offset of the original image inside the square. */
  offsetX: number;
  offsetY: number;
  width: number;
  height: number;
}

/** Error for a file that cannot be imported. The message always names the file. */
export class ImageDecodeError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${file}: ${reason}`);
    this.name = 'ImageDecodeError';
  }
}

/** Result of a cheap header read: enough to refuse decompression bombs before decoding. */
export interface ProbeResult {
  format: SourceFormat;
  width: number;
  height: number;
}

/** A plain 8-bit single-channel raster (display image, mask or label map). */
export interface GrayImage {
  data: Uint8Array;
  width: number;
  height: number;
}

/**
 * Limits checked against file sizes and header dimensions before any pixel buffer is
 * allocated, so that one hostile file costs at most about 1 GiB of memory to refuse or import
 * (bench/bombs/rss.ts measures it). The largest chest detectors are ~4300 × 4300 (18.5 MP).
 */
export const IMAGE_LIMITS = {
  /** Longest side accepted, in pixels. */
  maxSide: 20_000,
  /** Largest pixel count accepted (64 MP). */
  maxPixels: 64_000_000,
  /** Largest decoded frame (pixels × samples × bytes per sample), before conversion to grey. */
  maxDecodedBytes: 256 * 1024 * 1024,
  /** Largest file read: stat()ed first, never read whole beyond this. */
  maxFileBytes: 512 * 1024 * 1024,
  /** Largest inflated Deflated Explicit VR DICOM dataset. */
  maxInflatedBytes: 272 * 1024 * 1024,
} as const;
