/** A coded concept as DICOM code sequences carry it. */
export interface Code {
  CodeValue: string;
  CodingSchemeDesignator: string;
  CodeMeaning: string;
}

const sct = (CodeValue: string, CodeMeaning: string): Code => ({
  CodeValue,
  CodingSchemeDesignator: 'SCT',
  CodeMeaning,
});

export const ANATOMICAL_STRUCTURE = sct('123037004', 'Anatomical Structure');
export const TISSUE = sct('85756007', 'Tissue');

/** SNOMED CT codes for the mask classes a chest X-ray project uses (PS3.16 CID 7166/7151). */
const KNOWN: Record<string, { category: Code; type: Code }> = {
  lung: { category: ANATOMICAL_STRUCTURE, type: sct('39607008', 'Lung') },
  lungs: { category: ANATOMICAL_STRUCTURE, type: sct('39607008', 'Lung') },
  left_lung: { category: ANATOMICAL_STRUCTURE, type: sct('44029006', 'Left lung') },
  right_lung: { category: ANATOMICAL_STRUCTURE, type: sct('3341006', 'Right lung') },
  heart: { category: ANATOMICAL_STRUCTURE, type: sct('80891009', 'Heart') },
};

/**
 * Codes for a mask class. Classes without a SNOMED CT mapping get a code in the private scheme
 * `99SPCXR` (PS3.16 8.2 allows `99`-prefixed local schemes) whose value is the class name, so
 * another reader still sees a stable, unambiguous code.
 */
export function codesForClass(name: string): { category: Code; type: Code } {
  const known = KNOWN[name.toLowerCase().replace(/[\s-]+/g, '_')];
  if (known) return known;
  return {
    category: TISSUE,
    type: { CodeValue: name.slice(0, 16), CodingSchemeDesignator: '99SPCXR', CodeMeaning: name.slice(0, 64) },
  };
}
