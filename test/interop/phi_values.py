"""Prints, per source DICOM file, the values of its identifying attributes (read with pydicom),
so a test can check that none of them survives in a de-identified export.
Usage: python3 phi_values.py KEYWORDS_COMMA_SEPARATED FILE...
"""
import json
import sys

import pydicom

keywords = sys.argv[1].split(",")
out = {}
for f in sys.argv[2:]:
    try:
        ds = pydicom.dcmread(f, force=True, stop_before_pixels=True)
    except Exception as e:  # a broken file: nothing to compare
        out[f] = {"error": str(e)}
        continue
    vals = {}
    for k in keywords:
        v = ds.get(k)
        if v is not None and str(v) not in ("", "[]"):
            vals[k] = str(v)
    out[f] = vals
print(json.dumps(out))
