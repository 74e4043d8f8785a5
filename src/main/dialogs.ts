import type { BrowserWindow, Dialog } from 'electron';

export async function chooseFolder(
  dialog: Dialog,
  win: BrowserWindow,
  opts: { title?: string; create?: boolean } = {},
): Promise<string | null> {
  const r = await dialog.showOpenDialog(win, {
    title: opts.title ?? 'Choose a project folder',
    properties: opts.create ? ['openDirectory', 'createDirectory', 'promptToCreate'] : ['openDirectory'],
  });
  return r.canceled ? null : (r.filePaths[0] ?? null);
}

/** Files and folders to import (folders are walked recursively by the import job). */
export async function chooseImages(dialog: Dialog, win: BrowserWindow): Promise<string[]> {
  const r = await dialog.showOpenDialog(win, {
    title: 'Import images',
    properties: ['openFile', 'openDirectory', 'multiSelections'],
    filters: [
      { name: 'Images and DICOM', extensions: ['dcm', 'dicom', 'png', 'jpg', 'jpeg', 'csv'] },
      { name: 'All files', extensions: ['*'] },
    ],
  });
  return r.canceled ? [] : r.filePaths;
}
