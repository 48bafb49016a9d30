/**
 * Text of the runbooks file on a page, exactly as written: escaped, line breaks kept, and
 * templates (`${{ steps.x.outputs.y }}`) and environment references (`${PGPASSWORD}`) marked so
 * a reader sees what is filled in when the step runs. Nothing is ever resolved here.
 */
import { escapeHtml } from '../state/export/html-document.js';

const TEMPLATE = /\$\{\{[^}]*\}\}/g;
const REFERENCE = /\$\{[A-Za-z_][A-Za-z0-9_]*\}/g;

/** Escaped text with its templates and references wrapped in spans. */
export function writtenText(text: string): string {
  return escapeHtml(text)
    .replace(TEMPLATE, (template) => `<span class="template">${template}</span>`)
    .replace(REFERENCE, (reference) => `<span class="reference">${reference}</span>`);
}
