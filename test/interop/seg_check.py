"""Independent check of exported DICOM SEG files with pydicom (Debian python3-pydicom).

Prints one JSON object: per file the SEG's references, segments, and for each frame the
sha256 of its pixels as 0/1 bytes, plus every PHI keyword present with a non-empty value.
Usage: python3 seg_check.py PHI_KEYWORDS_COMMA_SEPARATED FILE...
"""
import hashlib
import json
import sys

import pydicom


def walk(ds, found, path=""):
    for el in ds:
        if el.tag.is_private:
            found.append(f"{path}private {el.tag}")
        if el.VR == "SQ":
            for item in el.value:
                walk(item, found, f"{path}{el.keyword}>")


def main():
    phi = [k for k in sys.argv[1].split(",") if k]
    out = {}
    for f in sys.argv[2:]:
        ds = pydicom.dcmread(f)
        arr = ds.pixel_array
        if arr.ndim == 2:
            arr = arr[None]
        frames = []
        for i, fg in enumerate(ds.PerFrameFunctionalGroupsSequence):
            frames.append({
                "segment": int(fg.SegmentIdentificationSequence[0].ReferencedSegmentNumber),
                "sha256": hashlib.sha256(arr[i].astype("uint8").tobytes()).hexdigest(),
                "ones": int(arr[i].sum()),
            })
        src = ds.SharedFunctionalGroupsSequence[0].DerivationImageSequence[0].SourceImageSequence[0]
        ref_series = ds.ReferencedSeriesSequence[0]
        found = []
        walk(ds, found)
        present = {k: str(ds.get(k)) for k in phi if k in ds and str(ds.get(k)) not in ("", "[]", "None")}
        out[f] = {
            "sopClass": ds.SOPClassUID,
            "sop": ds.SOPInstanceUID,
            "study": ds.StudyInstanceUID,
            "series": ds.SeriesInstanceUID,
            "refSop": src.ReferencedSOPInstanceUID,
            "refSeries": ref_series.SeriesInstanceUID,
            "refSopInSeries": ref_series.ReferencedInstanceSequence[0].ReferencedSOPInstanceUID,
            "patientName": str(ds.PatientName),
            "patientId": ds.PatientID,
            "studyDate": ds.get("StudyDate", ""),
            "identityRemoved": ds.get("PatientIdentityRemoved", ""),
            "segments": [
                {
                    "label": s.SegmentLabel,
                    "code": s.SegmentedPropertyTypeCodeSequence[0].CodeValue,
                    "scheme": s.SegmentedPropertyTypeCodeSequence[0].CodingSchemeDesignator,
                    "meaning": s.SegmentedPropertyTypeCodeSequence[0].CodeMeaning,
                }
                for s in ds.SegmentSequence
            ],
            "frames": frames,
            "private": found,
            "phi": present,
        }
    print(json.dumps(out))


main()
