/**
 * Runtime schemas for every request and event in `contract.ts`. Every transport parses
 * params on the way in and results/events on the way out with these (zod 4).
 */
import type { z } from 'zod';
import { LearningCurve } from '../app/learning-contract.ts';
import { ThresholdChoice } from '../eval/threshold-contract.ts';
import * as A from './schemas/app.ts';
import * as K from './schemas/classes.ts';
import * as C from './schemas/common.ts';
import * as E from './schemas/edits.ts';
import { eventSchemas } from './schemas/events.ts';
import * as I from './schemas/images.ts';
import * as J from './schemas/jobs.ts';
import * as M from './schemas/models.ts';
import * as X from './schemas/pacs.ts';
import * as P from './schemas/project.ts';
import * as RV from './schemas/review.ts';
import * as S from './schemas/suggest.ts';
import * as SM from './schemas/suggest-mask.ts';

export { eventSchemas };

export const requestSchemas = {
  'app.info': { params: C.Empty, result: A.AppInfo },
  'app.doctor': { params: C.Empty, result: A.DoctorReport },
  'app.recentProjects': { params: C.Empty, result: P.RecentProject.array() },
  'project.open': { params: P.ProjectOpenParams, result: P.ProjectInfo },
  'project.create': { params: P.ProjectCreateParams, result: P.ProjectInfo },
  'project.info': { params: C.Empty, result: P.ProjectInfo },
  'project.close': { params: C.Empty, result: C.Ok },
  'import.start': { params: J.ImportParams, result: J.JobStarted },
  'classes.list': { params: C.Empty, result: K.ClassList },
  'classes.impact': { params: K.ClassOp, result: K.ClassImpact },
  'classes.apply': { params: K.ClassApplyParams, result: K.ClassApplyResult },
  'classes.undo': { params: C.Empty, result: K.ClassUndoResult },
  'images.list': { params: I.ImageQuery, result: I.ImagePage },
  'images.get': { params: I.ImageIdParams, result: I.ImageDetail },
  'labels.set': { params: E.SetLabelParams, result: E.LabelChangeResult },
  'labels.clear': { params: E.ClearLabelParams, result: E.LabelChangeResult },
  'labels.setReview': { params: E.SetReviewParams, result: E.LabelChangeResult },
  'masks.get': { params: E.GetMaskParams, result: E.GetMaskResult },
  'masks.saveEdit': { params: E.SaveMaskEditParams, result: E.SaveMaskEditResult },
  'jobs.list': { params: C.Empty, result: J.JobInfo.array() },
  'jobs.get': { params: J.JobIdParams, result: J.JobInfo },
  'jobs.cancel': { params: J.JobIdParams, result: J.CancelResult },
  'train.start': { params: J.TrainParams, result: J.JobStarted },
  'features.start': { params: C.Empty, result: J.JobStarted },
  'models.list': { params: M.ModelListParams, result: M.ModelSummary.array() },
  'models.get': { params: M.ModelIdParams, result: M.ModelDetail },
  'models.activate': { params: M.ModelIdParams, result: C.Ok },
  'models.rename': { params: M.ModelRenameParams, result: C.Ok },
  'models.archive': { params: M.ModelArchiveParams, result: C.Ok },
  'models.delete': { params: M.ModelIdParams, result: C.Ok },
  'models.setThreshold': { params: M.ModelThresholdParams, result: ThresholdChoice },
  'models.report': { params: M.ModelIdParams, result: J.JobStarted },
  'models.learningCurve': { params: M.LearningCurveParams, result: LearningCurve },
  'suggest.next': { params: S.SuggestNextParams, result: S.SuggestNextResult },
  'suggest.accept': { params: S.SuggestAcceptParams, result: E.LabelChangeResult },
  'suggest.reject': { params: S.SuggestImageParams, result: C.Ok },
  'suggest.skip': { params: S.SuggestImageParams, result: C.Ok },
  'suggest.unsure': { params: S.SuggestImageParams, result: C.Ok },
  'suggest.acceptMask': { params: SM.SuggestAcceptMaskParams, result: SM.SuggestAcceptMaskResult },
  'review.next': { params: RV.ReviewNextParams, result: RV.ReviewNextResult },
  'review.answer': { params: RV.ReviewAnswerParams, result: RV.ReviewAnswerResult },
  'review.summary': { params: C.Empty, result: RV.ReviewSummary },
  'export.start': { params: A.ExportParams, result: J.JobStarted },
  'pacs.echo': { params: X.PacsPeerParams, result: X.PacsEchoResult },
  'pacs.find': { params: X.PacsFindParams, result: X.PacsFindResult },
  'pacs.retrieve': { params: X.PacsRetrieveParams, result: J.JobStarted },
  'settings.get': { params: C.Empty, result: A.Settings },
  'settings.set': { params: A.SettingsPatch, result: A.Settings },
} as const satisfies Record<string, { params: z.ZodType; result: z.ZodType }>;
