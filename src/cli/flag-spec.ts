/**
 * Which flags each command accepts. The parser rejects anything else with a suggestion, so a
 * typo (`--strategey random`) is a usage error rather than a silently ignored option.
 * `value` flags take an argument; `boolean` flags never do (so `--unlabelled DIR` keeps DIR).
 */
export interface FlagSpec {
  value: readonly string[];
  boolean: readonly string[];
}

/** Accepted by every command. */
export const GLOBAL_BOOLEAN = ['json', 'help'] as const;

const ENGINE = ['encoder', 'ep'] as const;

export const FLAG_SPECS: Record<string, FlagSpec> = {
  init: { value: ['classes', 'mask-classes', 'name'], boolean: [] },
  import: { value: ['manifest', 'source', 'author', 'concurrency'], boolean: ['reference'] },
  ls: { value: ['label', 'source', 'limit'], boolean: ['unlabelled'] },
  classes: { value: ['author'], boolean: ['mask', 'yes'] },
  export: { value: ['format', 'out'], boolean: ['deidentify'] },
  'seg-import': { value: ['author'], boolean: [] },
  pacs: {
    value: [
      'host',
      'port',
      'aet',
      'called-aet',
      'patient-id',
      'study-date',
      'modality',
      'body-part',
      'study',
      'timeout',
    ],
    boolean: ['all', 'save'],
  },
  receive: { value: ['port', 'aet', 'host', 'allow'], boolean: ['save'] },
  doctor: { value: ['models'], boolean: [] },
  serve: { value: ['port', 'host', 'renderer', 'import-root'], boolean: [] },
  app: { value: ['port', 'browser', 'renderer', 'import-root'], boolean: [] },

  train: {
    value: [
      'task',
      'head',
      'label-task',
      'mask-class',
      'epochs',
      'seed',
      'lr',
      'target-sensitivity',
      'target-specificity',
      ...ENGINE,
    ],
    boolean: ['augment', 'all', 'plain-grid', 'stem'],
  },
  predict: { value: ['model', ...ENGINE], boolean: [] },
  eval: {
    value: ['manifest', 'model', 'report', 'target-sensitivity', 'target-specificity', ...ENGINE],
    boolean: ['per-image'],
  },
  report: { value: ['model', 'out', ...ENGINE], boolean: [] },
  recalibrate: {
    value: ['manifest', 'model', 'name', 'target-sensitivity', 'target-specificity', 'confidence', ...ENGINE],
    boolean: [],
  },
  threshold: { value: ['model', 'target-sensitivity', 'target-specificity', 'value'], boolean: [] },
  suggest: { value: ['n', 'strategy', 'task', 'seed', ...ENGINE], boolean: ['serve', 'no-train'] },
  demo: { value: ['encoder'], boolean: [] },
};

/** Edit distance, for "did you mean". */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length];
}

/** The closest known name within a typo's reach (or a prefix match), else undefined. */
export function suggest(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Number.POSITIVE_INFINITY;
  for (const k of known) {
    const d = k.startsWith(name) || name.startsWith(k) ? 1 : distance(name, k);
    if (d < bestD) {
      best = k;
      bestD = d;
    }
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

/** All flags a command accepts (global ones included). */
export function knownFlags(spec: FlagSpec): string[] {
  return [...spec.value, ...spec.boolean, ...GLOBAL_BOOLEAN];
}
