/**
 * The module import graph of `src/`, built by scanning import/export statements (static and
 * dynamic) in .ts and .svelte files. A module is a shell folder (`src/cli`, `src/worker`, ...)
 * or one folder under `src/core` (`core/store`, `core/app`, ...).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export const SHELLS = ['cli', 'server', 'worker', 'main', 'preload', 'renderer'] as const;

export interface Edge {
  from: string;
  to: string;
  /** Example importing file → imported file. */
  via: string[];
}

function walk(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (/\.(ts|svelte)$/.test(e.name)) out.push(p);
  }
  return out;
}

/** `src/core/store/x.ts` → `core/store`; `src/cli/commands/y.ts` → `cli`. */
export function moduleOf(file: string, srcDir: string): string {
  const parts = path.relative(srcDir, file).split(path.sep);
  if (parts[0] === 'core') return parts.length > 2 ? `core/${parts[1]}` : 'core';
  return parts[0];
}

const IMPORT_RE =
  /\b(?:import|export)\s+(?:type\s+)?[^'";]*?\bfrom\s*['"]([^'"]+)['"]|\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)|\bimport\s+['"]([^'"]+)['"]/g;

/** Relative specifiers imported by one source text (package imports are not modules here). */
export function importsOf(source: string): string[] {
  const out: string[] = [];
  for (const m of source.matchAll(IMPORT_RE)) {
    const spec = m[1] ?? m[2] ?? m[3];
    if (spec.startsWith('.')) out.push(spec);
  }
  return out;
}

export function moduleGraph(srcDir: string): Edge[] {
  const edges = new Map<string, Edge>();
  for (const file of walk(srcDir)) {
    const from = moduleOf(file, srcDir);
    for (const spec of importsOf(readFileSync(file, 'utf8'))) {
      const target = path.resolve(path.dirname(file), spec);
      if (!target.startsWith(srcDir + path.sep)) continue;
      const to = moduleOf(target, srcDir);
      if (to === from) continue;
      const key = `${from} ${to}`;
      const e = edges.get(key) ?? { from, to, via: [] };
      e.via.push(`${path.relative(srcDir, file)} → ${path.relative(srcDir, target)}`);
      edges.set(key, e);
    }
  }
  return [...edges.values()];
}

/** Every elementary cycle's module list is overkill; one cycle per strongly connected component
 * (Tarjan) names the modules that must be untangled. */
export function cycles(edges: Edge[]): string[][] {
  const adj = new Map<string, string[]>();
  for (const e of edges) adj.set(e.from, [...(adj.get(e.from) ?? []), e.to]);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const out: string[][] = [];
  let n = 0;
  const visit = (v: string) => {
    index.set(v, n);
    low.set(v, n++);
    stack.push(v);
    on.add(v);
    for (const w of adj.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const comp: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        comp.push(w);
      } while (w !== v);
      if (comp.length > 1) out.push(comp.sort());
    }
  };
  for (const v of adj.keys()) if (!index.has(v)) visit(v);
  return out;
}
