/** A runbooks file with one runbook of `count` manual steps in sections of 50 (layout tests and the keypress bench). */
export function manyStepsYaml(count: number): string {
  const lines = ['version: 1', 'environments:', '  staging: {}', 'runbooks:', '  - id: big', '    title: A very long runbook', '    summary: Many steps.', '    sections:'];
  for (let section = 0; section * 50 < count; section++) {
    lines.push(`      - id: s${section}`, `        title: Section ${section}`, '        steps:');
    for (let index = section * 50; index < Math.min(count, (section + 1) * 50); index++) {
      lines.push(`          - { id: step-${index}, kind: manual, title: Step number ${index}, do: "Do thing ${index}; it is explained at some length so that the text wraps over more than one line on a narrow terminal." }`);
    }
  }
  return `${lines.join('\n')}\n`;
}
