/**
 * One open project inside a shell, the unit quick use cases work on: the store connection, the
 * user settings, edit serialisation, and a small cache of decoded mask maps (so a brush stroke
 * on a 2048² image does not re-decode the PNG every time). Undo lives in the renderer, which
 * sends inverse edits.
 */
import os from 'node:os';
import { NotFoundError } from '../errors.ts';
import { decodeMaskPng, encodeGrayPng } from '../imaging/index.ts';
import type { ModelKind, ProjectStore } from '../store/types.ts';
import { activeModelId } from './models.ts';
import { state, UserSettings } from './state.ts';

export interface MaskMap {
  data: Uint8Array;
  width: number;
  height: number;
  version: number;
}

export class ProjectSession {
  private readonly masks = new Map<string, MaskMap>();
  private readonly versions = new Map<string, number>();

  private chain: Promise<unknown> = Promise.resolve();

  constructor(readonly store: ProjectStore) {}

  /** Runs edits and undo/redo one after another, so a stroke never lands inside an undo. */
  serial<T>(fn: () => Promise<T> | T): Promise<T> {
    const run = this.chain.then(fn, fn);
    this.chain = run.catch(() => {});
    return run;
  }

  get dir(): string {
    return this.store.dir;
  }

  settings(): UserSettings {
    const stored = state.settings.get(this.store) ?? {};
    return {
      executionProvider: 'auto',
      retrainEvery: 10,
      author: os.userInfo().username || 'user',
      ...stored,
    };
  }

  saveSettings(patch: Partial<UserSettings>): UserSettings {
    const next = UserSettings.parse({ ...this.settings(), ...patch });
    state.settings.set(this.store, next);
    return next;
  }

  /** The active model of a task (default: the classifier, which drives predictions in the grid). */
  activeModelId(kind: ModelKind = 'classify'): number | null {
    return activeModelId(this.store, kind);
  }

  setNeedsReview(imageId: number, flag: boolean): boolean {
    this.image(imageId);
    return this.store.setNeedsReview(imageId, flag);
  }

  /** The grid shows the active model's predictions; switching costs one pass, once. */
  syncGrid(): void {
    this.store.setGridModel(this.activeModelId());
  }

  image(id: number) {
    const img = this.store.getImage(id);
    if (!img) throw new NotFoundError(`no image with id ${id}`);
    return img;
  }

  maskVersion(imageId: number, maskClass: string): number {
    return this.versions.get(`${imageId}:${maskClass}`) ?? 0;
  }

  async loadMask(imageId: number, maskClass: string): Promise<MaskMap> {
    const key = `${imageId}:${maskClass}`;
    const cached = this.masks.get(key);
    if (cached) return cached;
    const img = this.image(imageId);
    const row = this.store.getMask(imageId, maskClass);
    const gray = row
      ? await decodeMaskPng(row.png, `mask of image ${imageId}`)
      : { data: new Uint8Array(img.width * img.height), width: img.width, height: img.height };
    const map = { ...gray, version: this.maskVersion(imageId, maskClass) };
    this.masks.set(key, map);
    // Keep a handful of maps: enough for back-and-forth editing, bounded in memory.
    if (this.masks.size > 8) this.masks.delete(this.masks.keys().next().value as string);
    return map;
  }

  /** Writes the (already modified) cached map to the store and bumps its version. */
  async commitMask(imageId: number, maskClass: string, map: MaskMap): Promise<number> {
    const { author } = this.settings();
    if (map.data.every((v) => v === 0)) {
      if (this.store.getMask(imageId, maskClass)) this.store.clearMask(imageId, author, maskClass, 'human');
    } else {
      const png = await encodeGrayPng(map.data, map.width, map.height);
      this.store.setMask({ imageId, maskClass, png, author, source: 'human' });
    }
    const key = `${imageId}:${maskClass}`;
    map.version = this.maskVersion(imageId, maskClass) + 1;
    this.versions.set(key, map.version);
    return map.version;
  }

  /** Forget a cached map (after a suggestion's mask was accepted by another path). */
  dropMask(imageId: number, maskClass: string): void {
    this.masks.delete(`${imageId}:${maskClass}`);
    this.versions.set(`${imageId}:${maskClass}`, this.maskVersion(imageId, maskClass) + 1);
  }

  close(): void {
    this.masks.clear();
    this.store.close();
  }
}
