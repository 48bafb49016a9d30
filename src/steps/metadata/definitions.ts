/** Parameter schemas and outputs of the metadata providers (docs/providers.md). */
import { z } from 'zod';
import { tagMap } from '../aws/params.js';
import { defineProvider, type ProviderDefinition } from '../definition.js';
import { databaseRef, text } from '../params.js';

export const snapshotConsistency = defineProvider({
  name: 'metadata.snapshotConsistency',
  summary: 'Snapshot records in the metadata store agree with EC2 (missing on either side, state mismatches)',
  kinds: ['check'],
  mutates: false,
  params: z.strictObject({
    database: databaseRef(),
    sql: text(),
    volumeIds: z.array(text()).optional(),
    tags: tagMap().optional(),
  }),
  outputs: ['storeCount', 'ec2Count', 'missingInEc2', 'missingInStore', 'stateMismatches'],
});

export const definitions: readonly ProviderDefinition[] = [snapshotConsistency];
