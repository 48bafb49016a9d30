/** Implementations of the ec2 providers, loaded only when a step runs. */
import type { Provider } from '../provider.js';
import { attachVolumeProvider, detachVolumeProvider } from './attachments.js';
import { createVolumeProvider } from './create-volume.js';
import { describeVolumeProvider } from './describe-volume.js';
import { snapshotProvider, snapshotsProvider } from './snapshots.js';
import { tagVolumeProvider } from './tag-volume.js';

export const providers: Readonly<Record<string, Provider<any>>> = {
  'ec2.snapshots': snapshotsProvider,
  'ec2.snapshot': snapshotProvider,
  'ec2.describeVolume': describeVolumeProvider,
  'ec2.createVolumeFromSnapshot': createVolumeProvider,
  'ec2.attachVolume': attachVolumeProvider,
  'ec2.detachVolume': detachVolumeProvider,
  'ec2.tagVolume': tagVolumeProvider,
};
