#!/usr/bin/env bash
# Installs everything SPCXR Studio needs on Debian 12 / Node 20: Debian packages (only those
# missing, one line per group) and the npm dependencies. Shared by the README's first command
# and .ci/run. Waits for another running apt instead of failing.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/install-lib.sh
source scripts/install-lib.sh

/usr/bin/python3 -c 'import torch, numpy, PIL, yaml, pytest' 2>/dev/null ||
  want "pretraining and its tests (Python, torch)" python3-torch python3-numpy python3-pil python3-yaml python3-pytest
# Debian's reference BLAS runs torch's matmuls ~25x slower than OpenBLAS (measured).
dpkg -s libopenblas0-openmp >/dev/null 2>&1 || want "fast torch matmuls (OpenBLAS)" libopenblas0-openmp
command -v chromium >/dev/null || want "spcxr app and the UI tests (Chromium)" chromium
command -v Xvfb >/dev/null || want "the spcxr app window test (virtual display)" xvfb
fc-list 2>/dev/null | grep -qi dejavu || want "legible UI text (fonts)" fonts-dejavu-core
# Clinic interop: the tests validate DICOM SEG with independent tools (dciodvfy, dcmdump,
# pydicom) and talk to a real PACS (Orthanc, with its DICOMweb plugin), started on loopback.
command -v dciodvfy >/dev/null || want "DICOM SEG validation (dicom3tools)" dicom3tools
command -v dcmdump >/dev/null || want "DICOM dumps (dcmtk)" dcmtk
/usr/bin/python3 -c 'import pydicom' 2>/dev/null || want "DICOM checks in Python (pydicom)" python3-pydicom
command -v Orthanc >/dev/null || [ -x /usr/sbin/Orthanc ] || want "a local test PACS (Orthanc)" orthanc
[ -e /usr/share/orthanc/plugins/libOrthancDicomWeb.so ] || want "the test PACS's DICOMweb" orthanc-dicomweb
# The offline test traces every connect() of a full run to prove nothing leaves the machine.
command -v strace >/dev/null || want "the offline test (strace)" strace
apt_install_groups

# onnxruntime-node would fetch CUDA libraries: not reachable offline, and the app ships its CPU
# and WebGPU providers. Electron's binary comes from github.com: tried below, not required.
export ONNXRUNTIME_NODE_INSTALL="${ONNXRUNTIME_NODE_INSTALL:-skip}"
electron_wanted=1
[ -z "${ELECTRON_SKIP_BINARY_DOWNLOAD:-}" ] || electron_wanted=0
export ELECTRON_SKIP_BINARY_DOWNLOAD=1
echo "install.sh: npm packages (npm ci)"
npm_log=$(mktemp)
if ! npm ci --no-audit --no-fund 2>"$npm_log"; then
  cat "$npm_log" >&2
  rm -f "$npm_log"
  exit 1
fi
explain_ebadengine <"$npm_log"
rm -f "$npm_log"
if [ "$electron_wanted" = 1 ] && [ ! -e node_modules/electron/path.txt ]; then
  if env -u ELECTRON_SKIP_BINARY_DOWNLOAD timeout 120 node node_modules/electron/install.js >/dev/null 2>&1 &&
    [ -e node_modules/electron/path.txt ]; then
    echo "install.sh: Electron's binary installed: npm start opens the desktop app"
  else
    echo "install.sh: Electron's binary could not be downloaded (no access to github.com?): open the app with npx spcxr app DIR"
  fi
fi
