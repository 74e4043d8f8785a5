/**
 * Runtime lists of request and event names, free of zod so that the Electron preload stays tiny.
 * The type checks below fail to compile if a name is missing here or unknown to the contract.
 */
import type { EventName, RequestName } from './contract.ts';

export const REQUEST_NAMES = [
  'app.info',
  'app.doctor',
  'app.recentProjects',
  'project.open',
  'project.create',
  'project.info',
  'project.close',
  'import.start',
  'classes.list',
  'classes.impact',
  'classes.apply',
  'classes.undo',
  'images.list',
  'images.get',
  'labels.set',
  'labels.clear',
  'labels.setReview',
  'masks.get',
  'masks.saveEdit',
  'jobs.list',
  'jobs.get',
  'jobs.cancel',
  'train.start',
  'features.start',
  'models.list',
  'models.get',
  'models.activate',
  'models.rename',
  'models.archive',
  'models.delete',
  'models.setThreshold',
  'models.report',
  'models.learningCurve',
  'suggest.next',
  'suggest.accept',
  'suggest.reject',
  'suggest.skip',
  'suggest.unsure',
  'suggest.acceptMask',
  'review.next',
  'review.answer',
  'review.summary',
  'export.start',
  'pacs.echo',
  'pacs.find',
  'pacs.retrieve',
  'settings.get',
  'settings.set',
] as const satisfies readonly RequestName[];

export const EVENT_NAMES = [
  'job.started',
  'job.progress',
  'job.metrics',
  'job.done',
  'job.failed',
  'project.changed',
  'labels.changed',
  'mask.changed',
  'suggestions.changed',
  'models.changed',
  'worker.restarted',
] as const satisfies readonly EventName[];

type Missing<All, Listed> = Exclude<All, Listed>;
/** Compile-time: every contract name is listed (the type is `never` only when none is missing). */
const allRequestsListed: Missing<RequestName, (typeof REQUEST_NAMES)[number]> extends never ? true : false =
  true;
const allEventsListed: Missing<EventName, (typeof EVENT_NAMES)[number]> extends never ? true : false = true;
void allRequestsListed;
void allEventsListed;

/** IPC channel names used by Electron (prefixed so they cannot collide with Electron's own). */
export const ipcInvokeChannel = (name: string): string => `spcxr:${name}`;
export const IPC_EVENT_CHANNEL = 'spcxr:event';

export function isRequestName(name: string): name is RequestName {
  return (REQUEST_NAMES as readonly string[]).includes(name);
}
export function isEventName(name: string): name is EventName {
  return (EVENT_NAMES as readonly string[]).includes(name);
}

/** Electron-only extras on the preload bridge (dialogs, menu commands), outside the contract. */
export const SHELL_CHANNELS = {
  chooseFolder: 'spcxr-shell:choose-folder',
  chooseImages: 'spcxr-shell:choose-images',
  /** Preload only: the path of a File the user dropped, granted for import (see PathGrants). */
  grantDropped: 'spcxr-shell:grant-dropped',
  menu: 'spcxr-shell:menu',
} as const;

/** Commands the native menu sends to the renderer. */
export const MENU_COMMANDS = ['new-project', 'open-project', 'import', 'export', 'help', 'next'] as const;
export type MenuCommand = (typeof MENU_COMMANDS)[number];
