/**
 * The end-to-end tests' smallest session: a runbooks file with a staging environment and one
 * runbook, `manual`, of three manual steps ("First step", "Second step", "Third step").
 * `moreRunbooks` are YAML list items appended under `runbooks:`, indented as the first one.
 */
export function manualRunbooksYaml(moreRunbooks = ''): string {
  return `version: 1
environments:
  staging: {}
runbooks:
  - id: manual
    title: Three manual steps
    summary: Only manual steps.
    sections:
      - id: main
        title: Main
        steps:
          - { id: one, kind: manual, title: First step, do: Do one. }
          - { id: two, kind: manual, title: Second step, do: Do two. }
          - { id: three, kind: manual, title: Third step, do: Do three. }
${moreRunbooks}`;
}
