/**
 * Browser drag and drop in `spcxr serve` mode: a browser never reveals where a dropped file
 * lives, so its bytes are staged on the server (`POST /api/upload`) and the staged paths are
 * imported. Dropped folders are walked with the File System entries API.
 */

async function filesOf(entry: FileSystemEntry): Promise<File[]> {
  if (entry.isFile)
    return [await new Promise<File>((res, rej) => (entry as FileSystemFileEntry).file(res, rej))];
  const reader = (entry as FileSystemDirectoryEntry).createReader();
  const out: File[] = [];
  // readEntries returns at most ~100 entries per call: read until it returns none.
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((res, rej) => reader.readEntries(res, rej));
    if (batch.length === 0) return out;
    for (const e of batch) out.push(...(await filesOf(e)));
  }
}

export async function droppedFiles(dt: DataTransfer): Promise<File[]> {
  const entries = [...dt.items].map((i) => i.webkitGetAsEntry?.()).filter((e): e is FileSystemEntry => !!e);
  if (entries.length === 0) return [...dt.files];
  const lists = await Promise.all(entries.map(filesOf));
  return lists.flat();
}

export async function uploadFiles(
  files: File[],
  progress: (done: number, total: number) => void,
): Promise<string[]> {
  const paths: string[] = [];
  for (const [i, f] of files.entries()) {
    const res = await fetch(`/api/upload?name=${encodeURIComponent(f.name)}`, {
      method: 'POST',
      body: f,
      credentials: 'same-origin',
    });
    if (!res.ok)
      throw new Error(
        `uploading ${f.name} failed (HTTP ${res.status}); check free disk space in the project folder`,
      );
    paths.push(((await res.json()) as { path: string }).path);
    progress(i + 1, files.length);
  }
  return paths;
}
