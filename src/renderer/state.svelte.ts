/**
 * App-wide reactive state (Svelte 5 runes). Components read it directly; all writes that
 * change data go through `edits` (undoable) or the API.
 */
import type {
  ConnectionState,
  ImageSummary,
  JobInfo,
  ProjectInfo,
  Suggestion,
} from '../core/api/contract.ts';
import { api } from './api.ts';
import { Edits } from './edits.ts';
import { explain } from './lib/errors.ts';
import type { SaveStatus } from './lib/save-queue.ts';

export type View = 'home' | 'grid' | 'editor' | 'train';

export interface Filters {
  label?: string | null;
  status?: 'unlabelled' | 'labelled' | 'suggested' | 'needs-review';
  source?: string;
  split?: 'train' | 'val' | 'test' | 'unassigned';
  /** Images labelled or masked by this person. */
  author?: string;
  sort: 'imported' | 'name' | 'score' | 'confidence';
}

class AppState {
  view = $state<View>('home');
  project = $state<ProjectInfo | null>(null);
  error = $state<string | null>(null);
  notice = $state<string | null>(null);
  help = $state(false);
  exportOpen = $state(false);
  save = $state<SaveStatus>({ state: 'saved' });
  /** Whether the server answers ('online' in Electron, where the core runs with the window). */
  connection = $state<ConnectionState>('online');
  jobs = $state<Record<string, JobInfo>>({});
  /** Live epochs per training job, from `job.metrics`. */
  curves = $state<Record<string, { epoch: number; metrics: Record<string, number> }[]>>({});
  filters = $state<Filters>({ sort: 'imported' });
  /** Ids in the grid's current order: next/previous in the editor follow it. */
  order = $state<number[]>([]);
  /** Summaries of loaded grid pages, by id. */
  items = $state<Record<number, ImageSummary>>({});
  total = $state(0);
  selected = $state<Set<number>>(new Set());
  currentId = $state<number | null>(null);
  suggestion = $state<Suggestion | null>(null);
  al = $state({ labelled: 0, total: 0, retraining: false, reason: '' });
  /** What the active-learning queue asks for: image labels, or masks to correct. */
  alMode = $state<'labels' | 'masks'>('labels');
  /** Show the segmenter's per-pixel uncertainty over a pre-filled mask. */
  showUncertainty = $state(false);
  /** The last accepted mask correction, as the server counted it. */
  lastCorrection = $state<{
    editedPixels: number;
    maskPixels: number;
    strokes: number;
    source: string;
  } | null>(null);
  canUndo = $state(false);
  canRedo = $state(false);
  /** Labels changed in this session (incl. undo), by image id: wins over loaded details. */
  labelOverrides = $state<Record<number, string | null>>({});
  /** Review flags changed in this session, by image id. */
  reviewOverrides = $state<Record<number, boolean>>({});
  /** Bumped whenever labels change, so views re-query. */
  labelsVersion = $state(0);

  fail(err: unknown, doing: string): void {
    this.error = explain(err, doing);
  }

  imageClasses(): string[] {
    return (this.project?.classes ?? []).filter((c) => c.kind === 'image').map((c) => c.name);
  }

  maskClasses(): { name: string; color: string | null }[] {
    return (this.project?.classes ?? []).filter((c) => c.kind === 'mask');
  }
}

export const app = new AppState();

export const edits = new Edits(api, (s) => {
  app.save = s;
});

edits.hooks.changed = () => {
  app.canUndo = edits.history.canUndo;
  app.canRedo = edits.history.canRedo;
};

/** Keeps grid items in step with label edits (including undo) without a round trip. */
edits.hooks.label = (id, label) => {
  app.labelOverrides[id] = label;
  const it = app.items[id];
  if (it)
    app.items[id] = {
      ...it,
      label,
      status: label === null ? 'unlabelled' : 'labelled',
      labelSource: label ? 'human' : null,
    };
  // No reload here: the server's labels.changed event refreshes what this edit moved.
};

edits.hooks.review = (id, flag) => {
  app.reviewOverrides[id] = flag;
  const it = app.items[id];
  if (it) app.items[id] = { ...it, status: flag ? 'needs-review' : it.label ? 'labelled' : 'unlabelled' };
};

/** Whether an image is flagged for review, counting this session's edits. */
export function needsReview(id: number, status: string | undefined): boolean {
  return id in app.reviewOverrides ? app.reviewOverrides[id] : status === 'needs-review';
}

export async function refreshProject(): Promise<void> {
  try {
    app.project = await api.invoke('project.info', {});
  } catch (err) {
    if ((err as { code?: string }).code !== 'no_project') app.fail(err, 'read the project');
    app.project = null;
  }
}
