/**
 * What every HTML page of runbook shares (audit exports, evidence, runbook pages): escaping, and
 * one self-contained document. Styles are inline and fonts are the system's, so a page fetches
 * nothing and needs no script; its print rules keep tables, charts and steps whole on paper.
 */

/** Text safe inside an element or a double-quoted attribute. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** The styles every page starts from; each page may add its own. */
export const BASE_STYLE = `
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#111;margin:2rem auto;max-width:72rem;padding:0 1rem}
h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ccc}h3{font-size:1rem;margin-bottom:.3rem}
table{border-collapse:collapse;width:100%}th,td{border:1px solid #ddd;padding:.25rem .4rem;text-align:left;vertical-align:top}
th{background:#f3f3f3}td.n{text-align:right;white-space:nowrap}td.t{white-space:nowrap;font-family:ui-monospace,monospace;font-size:12px}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.15rem 1rem;margin:.3rem 0}dt{font-weight:600}dd{margin:0}
code,pre{font-family:ui-monospace,"DejaVu Sans Mono",monospace}
pre{background:#f7f7f7;padding:.4rem;margin:0;white-space:pre-wrap;word-break:break-all;font-size:12px}
.failed{color:#a00;font-weight:600}.muted{color:#666}
svg{display:block;width:100%;height:auto;max-width:100%}
svg text{font-family:system-ui,-apple-system,"Segoe UI",sans-serif}
figure{margin:1rem 0;break-inside:avoid;page-break-inside:avoid}figcaption{font-size:12px;color:#444;margin-top:.3rem}
@media print{
body{margin:0;max-width:none;font-size:11px}
*{-webkit-print-color-adjust:exact;print-color-adjust:exact}
h2,h3{break-after:avoid;page-break-after:avoid}tr{break-inside:avoid;page-break-inside:avoid}thead{display:table-header-group}
a{color:inherit;text-decoration:none}
}
`;

export interface HtmlDocument {
  readonly title: string;
  /** Styles added after BASE_STYLE. */
  readonly style?: string;
  /** The body's markup, one piece per line. */
  readonly body: readonly string[];
}

/** A whole page: doctype, inline styles, the body. */
export function htmlDocument(document: HtmlDocument): string {
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(document.title)}</title><style>${BASE_STYLE}${document.style ?? ''}</style></head><body>`,
    ...document.body,
    '</body></html>',
    '',
  ].join('\n');
}
