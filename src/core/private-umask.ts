/**
 * Files this app writes hold patient data: nothing it creates is readable by other users,
 * whichever library creates it (SQLite journals, sharp, exports). Imported first by every
 * entry point (CLI, worker, Electron main).
 */
process.umask(0o077);
