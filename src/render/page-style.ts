/** Styles of the runbook pages, on top of the shared base (src/state/export/html-document.ts). */
import { kindColors } from '../state/export/timeline-svg.js';

const kindBadges = Object.entries(kindColors)
  .map(([kind, color]) => `.kind-${kind} .kind,.badge.kind-${kind}{background:${color}}`)
  .join('\n');

export const PAGE_STYLE = `
nav.crumbs{font-size:13px;margin-bottom:.5rem}
.summary{font-size:15px;max-width:60rem}
section.rb-section{border-top:2px solid #ccc;margin-top:2rem;padding-top:.2rem}
section.rb-section>h2{border:0;margin-top:.6rem}
a.anchor{color:#999;text-decoration:none;margin-right:.3rem}a.anchor:hover{color:#333}
.start-here{margin:.6rem 0}.start-here pre{display:inline-block;padding:.3rem .6rem;font-size:13px;background:#eef3f8;border:1px solid #c9d6e3}
.alerts{background:#fff4e5;border-left:4px solid #e07a1f;padding:.3rem .6rem;margin:.6rem 0}
.alerts ul{margin:.2rem 0;padding-left:1.2rem}
ol.steps{list-style:none;padding:0;margin:0}
article.step{border:1px solid #ddd;border-radius:4px;padding:.5rem .7rem;margin:.6rem 0;break-inside:avoid;page-break-inside:avoid}
article.step h3{margin:0 0 .3rem}
.kind,.badge{display:inline-block;color:#fff;border-radius:3px;padding:0 .35rem;font-size:11px;font-weight:600;text-transform:uppercase;letter-spacing:.03em;vertical-align:middle}
${kindBadges}
.do{white-space:pre-wrap;margin:.2rem 0 .4rem}
.template{background:#eef3f8;color:#0d47a1;border-radius:2px}.reference{background:#fff3e0;color:#8d4a00;border-radius:2px}
.section-do{white-space:pre-wrap}
table.environments td,table.runbooks td{overflow-wrap:anywhere}
@media print{nav.crumbs,a.anchor{display:none}section.rb-section{break-before:auto}.start-here pre{border:1px solid #999}}
`;
