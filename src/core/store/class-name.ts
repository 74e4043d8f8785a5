/**
 * Class (label) names come from manifests, the CLI and the UI. One rule for all of them, so a
 * 20 MB cell cannot bloat every `project.info`, and look-alikes (`Normal`, full-width
 * `ｎｏｒｍａｌ`, `normal` plus a zero-width space) never become separate classes silently.
 */
import { InvalidInputError } from '../errors.ts';
export const MAX_CLASS_NAME = 64;

/** Control, format (zero-width, bidi overrides), line/paragraph separators, lone surrogates. */
const FORBIDDEN = /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/u;

export class ClassNameError extends InvalidInputError {}

const hex = (ch: string) => `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;

/** NFC, trimmed, checked; throws a ClassNameError naming the problem (never echoing a long value). */
export function normaliseClassName(raw: string): string {
  const name = raw.normalize('NFC').trim();
  if (!name) throw new ClassNameError('class name is empty');
  const len = [...name].length;
  if (len > MAX_CLASS_NAME)
    throw new ClassNameError(`class name is ${len} characters long (limit ${MAX_CLASS_NAME})`);
  const bad = FORBIDDEN.exec(name);
  if (bad)
    throw new ClassNameError(
      `class name '${name.replace(FORBIDDEN, '?')}' contains ${hex(bad[0])}, a control or invisible character`,
    );
  return name;
}

/** What two names look like to a reader: compatibility forms, case and invisible characters folded. */
export function classNameKey(name: string): string {
  return name
    .normalize('NFKC')
    .replace(/[\p{Cf}\p{Cc}]/gu, '')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

/** The existing name `name` would be confused with, if any (an exact match is not a look-alike). */
export function lookAlike(name: string, existing: Iterable<string>): string | undefined {
  const key = classNameKey(name);
  for (const e of existing) if (e !== name && classNameKey(e) === key) return e;
  return undefined;
}
