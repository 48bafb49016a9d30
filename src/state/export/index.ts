/** Export formats of the audit record. */
import { OperatorError } from '../../errors.js';
import type { AuditRecord } from './audit-record.js';
import { renderHtml } from './html.js';
import { renderJson } from './json.js';
import { renderMarkdown } from './markdown.js';

export type ExportFormat = 'md' | 'json' | 'html';
const exportFormats: readonly ExportFormat[] = ['md', 'json', 'html'];

/** The format named on the command line; an OperatorError for anything else. */
export function parseExportFormat(value: string | undefined): ExportFormat {
  const format = (value ?? 'md').toLowerCase();
  if (format === 'markdown') return 'md';
  if ((exportFormats as readonly string[]).includes(format)) return format as ExportFormat;
  throw new OperatorError(`unknown export format "${value}"; use md, json or html`);
}

/** Renders the record in a format. */
export function renderExport(record: AuditRecord, format: ExportFormat): string {
  if (format === 'json') return renderJson(record);
  if (format === 'html') return renderHtml(record);
  return renderMarkdown(record);
}

export { loadAuditRecord, buildAuditRecord, type AuditRecord } from './audit-record.js';
