/**
 * `runbook render`: the static pages of a runbooks file, one per runbook plus an index, as
 * self-contained HTML (no scripts, nothing fetched) that an internal docs host can serve and
 * that alerts link into (`<runbook-id>.html#<section-id>`).
 */
import type { RunbooksFile } from '../runbooks/schema.js';
import { INDEX_PAGE, runbookPageName } from './anchors.js';
import { indexPage } from './index-page.js';
import { runbookPage } from './runbook-page.js';

export interface RenderedPage {
  /** File name inside the output directory. */
  readonly name: string;
  /** The runbook it shows; null for the index. */
  readonly runbook: string | null;
  readonly html: string;
}

/**
 * Renders every page. `file` should be the runbooks file as written (before any settings file
 * replaced an environment's values); `source` names it on the pages.
 */
export function renderRunbookPages(file: RunbooksFile, source: string): RenderedPage[] {
  const context = { alerts: file.alerts, environments: file.environments, source };
  return [
    { name: INDEX_PAGE, runbook: null, html: indexPage(file, source) },
    ...file.runbooks.map((runbook) => ({ name: runbookPageName(runbook.id), runbook: runbook.id, html: runbookPage(runbook, context) })),
  ];
}
