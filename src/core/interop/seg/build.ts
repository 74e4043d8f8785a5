import { randomUid } from '../uids.ts';
import { packBits } from './bits.ts';
import {
  SECONDARY_CAPTURE,
  SEG_SOP_CLASS,
  type SegIdentity,
  type SegSegment,
  type SegSource,
} from './types.ts';

type Dataset = Record<string, unknown>;

const DERIVATION_SEGMENTATION = {
  CodeValue: '113076',
  CodingSchemeDesignator: 'DCM',
  CodeMeaning: 'Segmentation',
};
const SOURCE_FOR_PROCESSING = {
  CodeValue: '121322',
  CodingSchemeDesignator: 'DCM',
  CodeMeaning: 'Source image for image processing operation',
};

const da = (d: Date) => d.toISOString().slice(0, 10).replace(/-/g, '');
const tm = (d: Date) => d.toISOString().slice(11, 19).replace(/:/g, '');
const pn = (v: string | undefined) => (v ? [{ Alphabetic: v }] : []);

/**
 * A binary DICOM Segmentation of one projection image, as a dcmjs naturalized dataset: one
 * segment and one frame per mask class, every frame referencing the source instance. The
 * patient and study come from the source, so the SEG files into the source's study.
 *
 * dcmjs's own `derivations.Segmentation` is not used: it needs a normalised cross-sectional
 * multi-frame source (plane position and orientation, a Frame of Reference) and has no
 * normaliser for CR/DX/Secondary Capture, which is what chest radiographs and PNG/JPEG sources
 * are. dcmjs still writes and reads the file (Part 10 encoding, dictionary).
 */
export function buildSeg(src: SegSource, segments: SegSegment[], id: SegIdentity): Dataset {
  if (!segments.length) throw new Error('a SEG needs at least one segment');
  const n = src.rows * src.columns;
  for (const s of segments) {
    if (s.mask.length !== n)
      throw new Error(`segment ${s.label}: mask has ${s.mask.length} pixels, image ${n}`);
  }
  const h = src.header;
  const sourceRef = {
    ReferencedSOPClassUID: h.SOPClassUID ?? SECONDARY_CAPTURE,
    ReferencedSOPInstanceUID: h.SOPInstanceUID,
  };
  const dimensionUid = randomUid();
  const ds: Dataset = {
    SpecificCharacterSet: 'ISO_IR 192',
    SOPClassUID: SEG_SOP_CLASS,
    SOPInstanceUID: id.sopInstanceUid,
    // Patient
    PatientName: pn(h.PatientName),
    PatientID: h.PatientID ?? '',
    PatientBirthDate: h.PatientBirthDate ?? '',
    PatientSex: h.PatientSex ?? '',
    ...(h.PatientAge ? { PatientAge: h.PatientAge } : {}),
    ...(h.IssuerOfPatientID ? { IssuerOfPatientID: h.IssuerOfPatientID } : {}),
    // General Study: the source's, so the SEG lands in the same study
    StudyInstanceUID: h.StudyInstanceUID,
    StudyDate: h.StudyDate ?? '',
    StudyTime: h.StudyTime ?? '',
    ReferringPhysicianName: pn(h.ReferringPhysicianName),
    StudyID: h.StudyID ?? '',
    AccessionNumber: h.AccessionNumber ?? '',
    ...(h.StudyDescription ? { StudyDescription: h.StudyDescription } : {}),
    // General Series + Segmentation Series
    Modality: 'SEG',
    SeriesInstanceUID: id.seriesInstanceUid,
    SeriesNumber: '300',
    SeriesDescription: 'SPCXR Studio masks',
    SeriesDate: da(id.createdAt),
    SeriesTime: tm(id.createdAt),
    ...(h.BodyPartExamined ? { BodyPartExamined: h.BodyPartExamined } : {}),
    ...(h.FrameOfReferenceUID
      ? { FrameOfReferenceUID: h.FrameOfReferenceUID, PositionReferenceIndicator: '' }
      : {}),
    // General + Enhanced General Equipment
    Manufacturer: 'SPCXR Studio',
    ManufacturerModelName: 'SPCXR Studio',
    DeviceSerialNumber: '1',
    SoftwareVersions: id.softwareVersion,
    // General Image + Segmentation Image
    InstanceNumber: '1',
    // Type 2C: a projection image without Image Orientation (Patient) has it, possibly empty.
    PatientOrientation: '',
    ContentDate: da(id.createdAt),
    ContentTime: tm(id.createdAt),
    ImageType: ['DERIVED', 'PRIMARY'],
    ContentLabel: 'MASKS',
    ContentDescription: 'Masks drawn or accepted in SPCXR Studio',
    ContentCreatorName: pn(id.creator),
    SegmentationType: 'BINARY',
    LossyImageCompression: '00',
    SamplesPerPixel: 1,
    PhotometricInterpretation: 'MONOCHROME2',
    Rows: src.rows,
    Columns: src.columns,
    BitsAllocated: 1,
    BitsStored: 1,
    HighBit: 0,
    PixelRepresentation: 0,
    NumberOfFrames: String(segments.length),
    SegmentSequence: segments.map((s, i) => ({
      SegmentNumber: i + 1,
      SegmentLabel: s.label.slice(0, 64),
      SegmentAlgorithmType: s.algorithm,
      ...(s.algorithm !== 'MANUAL' ? { SegmentAlgorithmName: 'SPCXR Studio' } : {}),
      SegmentedPropertyCategoryCodeSequence: [s.category],
      SegmentedPropertyTypeCodeSequence: [s.type],
    })),
    // Multi-frame Dimension: frames are indexed by segment only (one source image)
    DimensionOrganizationSequence: [{ DimensionOrganizationUID: dimensionUid }],
    DimensionIndexSequence: [
      {
        DimensionOrganizationUID: dimensionUid,
        DimensionIndexPointer: 0x0062000b,
        FunctionalGroupPointer: 0x0062000a,
        DimensionDescriptionLabel: 'ReferencedSegmentNumber',
      },
    ],
    SharedFunctionalGroupsSequence: [
      {
        DerivationImageSequence: [
          {
            SourceImageSequence: [{ ...sourceRef, PurposeOfReferenceCodeSequence: [SOURCE_FOR_PROCESSING] }],
            DerivationCodeSequence: [DERIVATION_SEGMENTATION],
          },
        ],
      },
    ],
    PerFrameFunctionalGroupsSequence: segments.map((_, i) => ({
      FrameContentSequence: [{ DimensionIndexValues: [i + 1] }],
      SegmentIdentificationSequence: [{ ReferencedSegmentNumber: i + 1 }],
    })),
    // Common Instance Reference
    ReferencedSeriesSequence: [
      { SeriesInstanceUID: h.SeriesInstanceUID, ReferencedInstanceSequence: [sourceRef] },
    ],
    PixelData: [packBits(segments.map((s) => s.mask)).buffer],
    _vrMap: { PixelData: 'OB' },
  };
  return ds;
}
