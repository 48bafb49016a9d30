/**
 * EC2 Query API responses as the AWS SDK's EC2 protocol parser expects them: a root element
 * named `<Action>Response` in the 2016-11-15 namespace, lists as `<xSet><item>…</item></xSet>`,
 * and errors as `<Response><Errors><Error>…</Error></Errors><RequestID>…</RequestID></Response>`.
 */
import type { Attachment, Instance, Snapshot, Tags, Volume } from './model.js';

const NAMESPACE = 'http://ec2.amazonaws.com/doc/2016-11-15/';

/** Escapes text for an XML element body. */
export function escapeXml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/** `<name>value</name>`, or nothing when the value is undefined. */
export function element(name: string, value: string | number | boolean | undefined): string {
  return value === undefined ? '' : `<${name}>${escapeXml(String(value))}</${name}>`;
}

function set(name: string, items: readonly string[]): string {
  return `<${name}>${items.map((item) => `<item>${item}</item>`).join('')}</${name}>`;
}

function tagSet(tags: Tags): string {
  const entries = Object.entries(tags);
  return entries.length === 0 ? '' : set('tagSet', entries.map(([key, value]) => element('key', key) + element('value', value)));
}

/** The body of a successful response. */
export function response(action: string, requestId: string, body: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="${NAMESPACE}">${element('requestId', requestId)}${body}</${action}Response>`;
}

/** The body of an error response. */
export function errorResponse(code: string, message: string, requestId: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error>${element('Code', code)}${element('Message', message)}</Error></Errors>${element('RequestID', requestId)}</Response>`;
}

/** An attachment's members (AttachVolume / DetachVolume responses and `attachmentSet` items). */
export function attachmentBody(volumeId: string, attachment: Attachment): string {
  return (
    element('volumeId', volumeId) +
    element('instanceId', attachment.instanceId) +
    element('device', attachment.device) +
    element('status', attachment.state) +
    element('attachTime', attachment.attachTime) +
    element('deleteOnTermination', false)
  );
}

/** A volume's members (CreateVolume response and `volumeSet` items). */
export function volumeBody(volume: Volume): string {
  return (
    element('volumeId', volume.volumeId) +
    element('size', volume.size) +
    element('snapshotId', volume.snapshotId) +
    element('availabilityZone', volume.availabilityZone) +
    element('status', volume.state) +
    element('createTime', volume.createTime) +
    set('attachmentSet', volume.attachment ? [attachmentBody(volume.volumeId, volume.attachment)] : []) +
    tagSet(volume.tags) +
    element('volumeType', volume.volumeType) +
    element('iops', volume.iops) +
    element('encrypted', volume.encrypted)
  );
}

/** A snapshot's members (`snapshotSet` items). */
export function snapshotBody(snapshot: Snapshot): string {
  return (
    element('snapshotId', snapshot.snapshotId) +
    element('volumeId', snapshot.volumeId) +
    element('status', snapshot.state) +
    element('statusMessage', snapshot.stateMessage) +
    element('startTime', snapshot.startTime) +
    element('progress', snapshot.progress) +
    element('ownerId', snapshot.ownerId) +
    element('volumeSize', snapshot.volumeSize) +
    element('description', snapshot.description) +
    element('encrypted', snapshot.encrypted) +
    tagSet(snapshot.tags)
  );
}

const INSTANCE_STATE_CODES: Record<Instance['state'], number> = { pending: 0, running: 16, stopping: 64, stopped: 80, terminated: 48 };

/** An instance wrapped in its own reservation (`reservationSet` items). */
export function reservationBody(instance: Instance, ownerId: string): string {
  const body =
    element('instanceId', instance.instanceId) +
    element('instanceType', instance.instanceType) +
    `<instanceState>${element('code', INSTANCE_STATE_CODES[instance.state])}${element('name', instance.state)}</instanceState>` +
    `<placement>${element('availabilityZone', instance.availabilityZone)}</placement>` +
    tagSet(instance.tags);
  return element('reservationId', `r-${instance.instanceId.slice(2)}`) + element('ownerId', ownerId) + set('instancesSet', [body]);
}

/** A list member of a response body. */
export function listOf(name: string, items: readonly string[]): string {
  return set(name, items);
}
