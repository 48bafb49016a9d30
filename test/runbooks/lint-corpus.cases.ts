/** The lint corpus: each case breaks test/runbooks/fixtures/base.yaml with one mistake. */
export interface CorpusCase {
  readonly name: string;
  /** Text of base.yaml to replace (must occur exactly once)… */
  readonly from: string;
  /** …and what to put instead. */
  readonly to: string;
  /** Every problem lint reports, as `LINE:COL path: message`. */
  readonly expected: readonly string[];
}

export const corpus: readonly CorpusCase[] = [
  { name: 'YAML syntax: unclosed quote', from: 'title: Prepare', to: 'title: "Prepare', expected: [
      "42:24 (syntax): missing closing \"quote",
    ] },
  { name: 'YAML: duplicate key', from: '    title: Staging\n', to: '    title: Staging\n    title: Again\n', expected: [
      "6:5 (syntax): duplicate key \"title\": each key may appear once in a mapping",
    ] },
  { name: 'unknown key', from: 'note: required', to: 'notes: required', expected: [
      "48:13 runbooks.0.sections.0.steps.0.notes: unknown field \"notes\" (did you mean \"note\"?)",
    ] },
  { name: 'wrong type', from: 'note: required', to: 'skippable: nope', expected: [
      "48:24 runbooks.0.sections.0.steps.0.skippable: expected true or false, got \"nope\"",
    ] },
  { name: 'missing required field', from: '            title: Announce the restore\n', to: '', expected: [
      "44:13 runbooks.0.sections.0.steps.0: missing required field \"title\"",
    ] },
  { name: 'unknown step kind', from: 'kind: manual', to: 'kind: manaul', expected: [
      "45:19 runbooks.0.sections.0.steps.0.kind: expected one of \"manual\", \"check\", \"wait\", \"action\", \"input\", got \"manaul\"",
    ] },
  { name: 'unknown cadence', from: 'cadence: weekly', to: 'cadence: fortnightly', expected: [
      "35:14 runbooks.0.cadence: expected one of \"daily\", \"weekly\", \"monthly\", \"quarterly\", got \"fortnightly\"",
    ] },
  { name: 'invalid id', from: 'id: announce', to: 'id: Announce_It', expected: [
      "44:17 runbooks.0.sections.0.steps.0.id: use lower-case letters, digits and dashes (e.g. \"restore-volume\"), got \"Announce_It\"",
    ] },
  { name: 'missing version', from: 'version: 1\n', to: '', expected: [
      "2:1 (root): missing required field \"version\"",
    ] },
  { name: 'duplicate step id', from: 'id: check-rows', to: 'id: create-volume', expected: [
      "73:17 runbooks.0.sections.1.steps.1.id: duplicate step id \"create-volume\" (first used on line 62)",
    ] },
  { name: 'duplicate section id', from: '- id: restore\n', to: '- id: prepare\n', expected: [
      "59:13 runbooks.0.sections.1.id: duplicate section id \"prepare\" (first used on line 41)",
    ] },
  { name: 'duplicate runbook id', from: 'id: daily-checks', to: 'id: restore-volume', expected: [
      "88:9 runbooks.1.id: duplicate runbook id \"restore-volume\" (first used on line 32)",
      "108:11 alerts.0.link: alert links to unknown runbook \"daily-checks\"",
    ] },
  { name: 'unknown provider', from: 'uses: postgres.archiver', to: 'uses: postgres.archivr', expected: [
      "99:19 runbooks.1.sections.0.steps.0.uses: unknown provider \"postgres.archivr\"; postgres providers: postgres.query, postgres.archiver",
    ] },
  { name: 'provider not for this kind', from: '            kind: action\n', to: '            kind: check\n', expected: [
      "66:19 runbooks.0.sections.1.steps.0.uses: provider \"ec2.createVolumeFromSnapshot\" cannot be used by a check step (it serves: action)",
    ] },
  { name: 'check without uses', from: '            uses: postgres.archiver\n', to: '', expected: [
      "95:13 runbooks.1.sections.0.steps.0: a check step needs \"uses:\" naming a built-in provider (see docs/providers.md)",
    ] },
  { name: 'manual with uses', from: '            note: required\n', to: '            note: required\n            uses: postgres.query\n', expected: [
      "49:13 runbooks.0.sections.0.steps.0.uses: a manual step runs no provider: remove \"uses:\" or make it a check, wait or action step",
    ] },
  { name: 'input step without input', from: '            kind: manual\n', to: '            kind: input\n', expected: [
      "44:13 runbooks.0.sections.0.steps.0: an input step needs \"input:\" (its type, and choices or from)",
    ] },
  { name: 'live list from a provider without choices', from: 'uses: ec2.snapshots', to: 'uses: postgres.query', expected: [
      "56:23 runbooks.0.sections.0.steps.1.input.from.uses: provider \"postgres.query\" offers no live list for input steps (it serves: check, wait)",
      "58:19 runbooks.0.sections.0.steps.1.input.from.with: missing required fields \"database\" and \"sql\"",
      "58:19 runbooks.0.sections.0.steps.1.input.from.with.volumeId: unknown field \"volumeId\"; allowed here: database, sql, params, column, expect",
    ] },
  { name: 'bad parameter value', from: 'maxAge: 15m', to: 'maxAge: soon', expected: [
      "104:23 runbooks.1.sections.0.steps.0.with.maxAge: expected a duration like \"90s\", \"30m\", \"26h\" or \"7d\", got \"soon\"",
    ] },
  { name: 'missing required parameter', from: '              database: main\n              maxAge: 15m', to: '              maxAge: 15m', expected: [
      "103:15 runbooks.1.sections.0.steps.0.with: missing required field \"database\"",
    ] },
  { name: 'unknown parameter', from: 'maxAge: 15m', to: 'maxAg: 15m', expected: [
      "103:15 runbooks.1.sections.0.steps.0.with: missing required field \"maxAge\"",
      "104:15 runbooks.1.sections.0.steps.0.with.maxAg: unknown field \"maxAg\" (did you mean \"maxAge\"?)",
    ] },
  { name: 'parameter of the wrong type', from: 'params: ["${{ steps.create-volume.outputs.volumeId }}"]', to: 'params: "$1"', expected: [
      "85:23 runbooks.0.sections.1.steps.1.with.params: expected a list, got \"$1\"",
    ] },
  { name: 'unknown input', from: '${{ inputs.instance_id }}', to: '${{ inputs.instance }}', expected: [
      "69:27 runbooks.0.sections.1.steps.0.with.instanceId: unknown input \"instance\" in ${{ inputs.instance }}: declare it under the runbook's inputs: (declared: volume_id, instance_id)",
    ] },
  { name: 'unknown step in a template', from: 'snapshotId: ${{ steps.pick-snapshot', to: 'snapshotId: ${{ steps.pick-snap', expected: [
      "68:27 runbooks.0.sections.1.steps.0.with.snapshotId: unknown step \"pick-snap\" in ${{ steps.pick-snap.outputs.value }}: no step of this runbook has that id",
    ] },
  { name: 'step that comes later', from: '                session: ${{ session.id }}\n', to: '                session: ${{ session.id }}\n                later: ${{ steps.check-rows.outputs.value }}\n', expected: [
      "73:24 runbooks.0.sections.1.steps.0.with.tags.later: step \"check-rows\" comes later in the runbook; ${{ steps.check-rows.outputs.value }} may only use outputs of earlier steps",
    ] },
  { name: 'unknown output in a block scalar', from: '${{ steps.create-volume.outputs.volumeId }} (volume).', to: '${{ steps.create-volume.outputs.volumeID }} (volume).', expected: [
      "78:15 runbooks.0.sections.1.steps.1.do: step \"create-volume\" (provider ec2.createVolumeFromSnapshot) has no output \"volumeID\"; its outputs: volumeId, availabilityZone, state",
    ] },
  { name: 'unknown output in a quoted scalar', from: '"Creates a volume from ${{ steps.pick-snapshot.outputs.value }}."', to: '"Creates a volume from ${{ steps.pick-snapshot.outputs.snapshot }}."', expected: [
      "65:40 runbooks.0.sections.1.steps.0.do: step \"pick-snapshot\" (input step) has no output \"snapshot\"; its outputs: value, label",
    ] },
  { name: 'environment field missing in one environment', from: 'bucket: prod-backups', to: 'archive: prod-backups', expected: [
      "71:25 runbooks.0.sections.1.steps.0.with.tags.bucket: environment \"production\" has no \"vars.bucket\" (used by ${{ env.vars.bucket }}); add it to every environment",
    ] },
  { name: 'unknown session field', from: '${{ session.id }}', to: '${{ session.user }}', expected: [
      "72:26 runbooks.0.sections.1.steps.0.with.tags.session: unknown session field in ${{ session.user }}: use one of id, incident, operator, env, drill, startedAt",
    ] },
  { name: 'unknown template namespace', from: '${{ session.id }}', to: '${{ secrets.id }}', expected: [
      "72:26 runbooks.0.sections.1.steps.0.with.tags.session: unknown template namespace \"secrets\" in \"${{ secrets.id }}\": use inputs, steps, env or session",
    ] },
  { name: 'template inside SQL', from: 'where id = $1', to: "where id = '${{ inputs.volume_id }}'", expected: [
      "84:61 runbooks.0.sections.1.steps.1.with.sql: template ${{ inputs.volume_id }} inside SQL: pass values as params: [...] and refer to them as $1",
    ] },
  { name: 'unknown connection', from: '              database: main\n              maxAge', to: '              database: replica\n              maxAge', expected: [
      "103:25 runbooks.1.sections.0.steps.0.with.database: connection \"replica\" is not defined in environments \"staging\" and \"production\"; add it under environments.staging.postgres",
    ] },
  { name: 'when path no environment has', from: 'aws.region: [eu-west-1]', to: 'aws.zone: [eu-west-1a]', expected: [
      "101:15 runbooks.1.sections.0.steps.0.when.aws.zone: no environment has \"aws.zone\", so this condition never holds",
    ] },
  { name: 'unknown alert on a step', from: 'alert: wal-archive-failing', to: 'alert: wal-failing', expected: [
      "80:20 runbooks.0.sections.1.steps.1.alert: unknown alert \"wal-failing\": define it under alerts: (id)",
    ] },
  { name: 'unknown asset on a signal', from: 'asset: control-db', to: 'asset: control', expected: [
      "81:30 runbooks.0.sections.1.steps.1.signal.asset: unknown asset \"control\": define it under assets: (id)",
    ] },
  { name: 'alert linking to an unknown section', from: 'link: daily-checks#wal', to: 'link: daily-checks#wall', expected: [
      "108:11 alerts.0.link: alert links to unknown section \"wall\" of runbook \"daily-checks\" (its sections: wal)",
    ] },
  { name: 'protected environment without confirm', from: '    confirm: production\n', to: '', expected: [
      "17:16 environments.production: a protected environment needs \"confirm:\", the name the operator types before each action (e.g. confirm: production)",
    ] },
  { name: 'literal AWS key', from: 'accessKeyId: ${AWS_ACCESS_KEY_ID}', to: 'accessKeyId: AKIAIOSFODNN7EXAMPLE', expected: [
      "27:20 environments.production.aws.accessKeyId: never write an AWS key in the file: use a reference such as \"${AWS_ACCESS_KEY_ID}\" (or a profile)",
    ] },
  { name: 'literal Postgres password', from: 'postgres://app@db.staging.internal', to: 'postgres://app:hunter2@db.staging.internal', expected: [
      "8:29 environments.staging.postgres.main.url: never write a password in the file: use a reference such as \"${PGPASSWORD_MAIN}\" in the URL, or PGPASSWORD / ~/.pgpass",
    ] },
  { name: 'restore test that is not a restore test', from: 'restoreTest: restore-volume', to: 'restoreTest: daily-checks', expected: [
      "113:18 assets.0.restoreTest: runbook \"daily-checks\" has no cadence, so it is not a restore test; give it one (e.g. cadence: weekly)",
    ] },
  { name: 'malformed timeout', from: '            alert: wal-archive-failing\n', to: '            alert: wal-archive-failing\n            timeout: 5 minutes\n', expected: [
      "81:22 runbooks.0.sections.1.steps.1.timeout: expected a duration like \"90s\", \"30m\", \"26h\" or \"7d\", got \"5 minutes\"",
    ] },
];
