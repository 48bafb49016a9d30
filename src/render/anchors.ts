/**
 * Where each part of a runbook lives among the rendered pages: the contract that links from
 * elsewhere (an alert's runbook_url, a failed check's advice) rely on. A page per runbook,
 * `<runbook-id>.html`, a section at `#<section-id>`, a step at `#<section-id>.<step-id>`.
 * Ids are slugs (no dots, no underscores), so step anchors and the page's own `_`-prefixed
 * anchors never collide with a section's.
 */

/** The page of a runbook. */
export function runbookPageName(runbookId: string): string {
  return `${runbookId}.html`;
}

/** The anchor of a section on its runbook's page. */
export function sectionAnchor(sectionId: string): string {
  return sectionId;
}

/** The anchor of a step on its runbook's page. */
export function stepAnchor(sectionId: string, stepId: string): string {
  return `${sectionId}.${stepId}`;
}

/** A section's address relative to the pages' directory: `<runbook-id>.html#<section-id>`. */
export function sectionHref(runbookId: string, sectionId: string): string {
  return `${runbookPageName(runbookId)}#${sectionAnchor(sectionId)}`;
}

export const INDEX_PAGE = 'index.html';
