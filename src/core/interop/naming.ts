import path from 'node:path';
import type { ImageRow } from '../store/types.ts';
import type { DeidContext } from './deid/context.ts';

/**
 * The file stem an export gives an image: `<id>_<original name>` normally; with
 * de-identification `img-000001`…, one per image, because original names can hold patient names.
 */
export function imageStem(img: ImageRow, ctx: DeidContext | undefined): string {
  if (ctx) return ctx.stemFor(`image:${img.id}`);
  const name = path.parse(img.originalPath).name.replace(/[^\w.-]+/g, '_');
  return `${img.id}_${name}`;
}
