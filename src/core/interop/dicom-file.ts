import { createRequire } from 'node:module';
import dcmjs from 'dcmjs';
import { EXPLICIT_VR_LE } from './seg/types.ts';

type Dataset = Record<string, unknown>;
const { DicomDict, DicomMessage, DicomMetaDictionary } = dcmjs.data;
// dcmjs logs lenient-parse notes (legacy value lengths) on stderr for every instance; the
// importer reports real problems per file, so these would only drown them.
// dcmjs-dimse loads dcmjs's CommonJS build, which has its own logger: silence both.
dcmjs.log.setLevel('silent');
(createRequire(import.meta.url)('dcmjs') as typeof dcmjs).log.setLevel('silent');

const IMPLEMENTATION_CLASS_UID = '2.25.178012442520413546717049427553407916061';

/** Writes a naturalized dataset as a DICOM Part 10 file (Explicit VR Little Endian). */
export function writePart10(ds: Dataset): Buffer {
  const meta = {
    FileMetaInformationVersion: new Uint8Array([0, 1]).buffer,
    MediaStorageSOPClassUID: ds.SOPClassUID,
    MediaStorageSOPInstanceUID: ds.SOPInstanceUID,
    TransferSyntaxUID: EXPLICIT_VR_LE,
    ImplementationClassUID: IMPLEMENTATION_CLASS_UID,
    ImplementationVersionName: 'SPCXR',
  };
  const dict = new DicomDict(DicomMetaDictionary.denaturalizeDataset(meta));
  dict.dict = DicomMetaDictionary.denaturalizeDataset(ds);
  return Buffer.from(dict.write({ fragmentMultiframe: false }));
}

/** Reads a Part 10 file into a naturalized dataset (keywords; unknown and private tags by tag). */
export function readPart10(bytes: Uint8Array): Dataset {
  const ab = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const dd = DicomMessage.readFile(ab);
  return DicomMetaDictionary.naturalizeDataset(dd.dict);
}
