#!/usr/bin/env bash
# Installs everything SPCXR Studio needs on Debian 12 / Node 20: Debian packages (only those
# missing) and the npm dependencies. Shared by the README's first command and .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."

export DEBIAN_FRONTEND=noninteractive
# Debian's torch on /usr/bin/python3 runs the pretraining pipeline and its tests; Chromium runs
# the UI end to end.
need=()
/usr/bin/python3 -c 'import torch, numpy, PIL, yaml, pytest' 2>/dev/null ||
  need+=(python3-torch python3-numpy python3-pil python3-yaml python3-pytest)
# Debian's reference BLAS runs torch's matmuls ~25x slower than OpenBLAS (measured).
dpkg -s libopenblas0-openmp >/dev/null 2>&1 || need+=(libopenblas0-openmp)
command -v chromium >/dev/null || need+=(chromium)
fc-list 2>/dev/null | grep -qi dejavu || need+=(fonts-dejavu-core)
# Clinic interop: the tests validate DICOM SEG with independent tools (dciodvfy, dcmdump,
# pydicom) and talk to a real PACS (Orthanc, with its DICOMweb plugin), started on loopback.
command -v dciodvfy >/dev/null || need+=(dicom3tools)
command -v dcmdump >/dev/null || need+=(dcmtk)
/usr/bin/python3 -c 'import pydicom' 2>/dev/null || need+=(python3-pydicom)
command -v Orthanc >/dev/null || [ -x /usr/sbin/Orthanc ] || need+=(orthanc)
[ -e /usr/share/orthanc/plugins/libOrthancDicomWeb.so ] || need+=(orthanc-dicomweb)
# The offline test traces every connect() of a full run to prove nothing leaves the machine.
command -v strace >/dev/null || need+=(strace)
if [ ${#need[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# onnxruntime-node would fetch CUDA libraries and electron its binary: neither is reachable
# offline and neither is needed outside a packaged build.
export ONNXRUNTIME_NODE_INSTALL="${ONNXRUNTIME_NODE_INSTALL:-skip}"
export ELECTRON_SKIP_BINARY_DOWNLOAD="${ELECTRON_SKIP_BINARY_DOWNLOAD:-1}"
npm ci --no-audit --no-fund
