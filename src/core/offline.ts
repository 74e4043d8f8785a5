/**
 * Environment that keeps bundled native libraries from phoning home. Imported for its side effect
 * first by every entry point (CLI, worker, Electron main) and by every module that loads
 * onnxruntime-node, and passed explicitly to every child process.
 *
 * onnxruntime 1.29+ ships 1DS telemetry on Linux and macOS: it writes a device id and an event
 * queue under ~/.cache/Microsoft/DeveloperTools/.onnxruntime and uploads to a Microsoft events
 * host. `ORT_DISABLE_TELEMETRY=1`, set before ORT creates its environment, is the upstream
 * full opt-out (no uploader, no device id, no offline cache; latched for the process). The
 * Node binding exposes no API for it, so the variable is the only switch. Windows builds log
 * through ETW instead, which records nothing unless a local trace session is listening.
 */
export const OFFLINE_ENV: Readonly<Record<string, string>> = Object.freeze({ ORT_DISABLE_TELEMETRY: '1' });

// Node's process.env setter calls setenv(), so native code that reads getenv() later sees it.
Object.assign(process.env, OFFLINE_ENV);
