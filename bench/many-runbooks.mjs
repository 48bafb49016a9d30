// A runbooks file with many runbooks, for the start-up bench and the end-to-end test of long lists.
// Each runbook is shaped like the seed's: sections of manual, check and action steps with real
// provider parameters, so loading it costs what a real file of that size costs (lint included).

/** YAML text of a valid runbooks file with `count` runbooks of 3 sections × 4 steps. */
export function manyRunbooksYaml(count) {
  const lines = [
    'version: 1',
    'environments:',
    '  staging:',
    '    postgres:',
    '      main:',
    '        url: postgres://postgres@127.0.0.1:55432/control',
    '    aws:',
    '      region: us-east-1',
    '  production:',
    '    protected: true',
    '    confirm: prod-db',
    '    postgres:',
    '      main:',
    '        url: postgres://postgres@127.0.0.1:55432/control',
    '    aws:',
    '      region: us-east-1',
    'runbooks:',
  ];
  for (let index = 1; index <= count; index++) {
    const id = `runbook-${String(index).padStart(3, '0')}`;
    lines.push(
      `  - id: ${id}`,
      `    title: Generated runbook ${index}`,
      `    summary: Checks backups of service ${index}, restores one into a scratch volume and verifies it.`,
      ...(index % 3 === 0 ? ['    cadence: quarterly'] : []),
      '    sections:',
    );
    for (const section of ['detect', 'restore', 'verify']) {
      lines.push(`      - id: ${section}`, `        title: ${section[0].toUpperCase()}${section.slice(1)} for service ${index}`, '        steps:');
      lines.push(
        `          - id: ${section}-announce`,
        '            kind: manual',
        '            title: Announce in the incident channel',
        '            do: Post what you are about to do.',
        `          - id: ${section}-query`,
        '            kind: check',
        '            title: The database answers with rows',
        '            do: Runs a query against the main database.',
        '            uses: postgres.query',
        '            with:',
        '              database: main',
        '              sql: select count(*) from pg_class',
        '              expect:',
        '                value:',
        '                  min: 1',
        `          - id: ${section}-newest`,
        '            kind: check',
        '            title: The newest backup object is fresh',
        '            do: Looks at the newest object under the prefix.',
        '            uses: s3.newestObject',
        '            with:',
        '              bucket: backups',
        `              prefix: service-${index}/`,
        '              maxAge: 26h',
        `          - id: ${section}-sign-off`,
        '            kind: manual',
        '            title: Sign off',
        '            do: Write down what you saw.',
        '            note: required',
      );
    }
  }
  return `${lines.join('\n')}\n`;
}
