import type { ChangeEvent } from './changeModel';

/** The CloudEvents 1.0 batch media type (JSON Event Format §4, "Batch Format"). */
export const CLOUDEVENTS_BATCH_TYPE = 'application/cloudevents-batch+json; charset=utf-8';
/** Reverse-DNS prefix of the event types (CloudEvents 1.0 §3.1.1: `type` SHOULD be prefixed so). */
export const CHANGE_EVENT_TYPE_PREFIX = 'com.contoso.sharepointsync.change.';

/**
 * One change as a structured CloudEvent (spec v1.0): `id` is the change's stable id (the platform's
 * duplicate check: source + id is unique per the spec), `source` the drive's feed, `subject` the
 * path, and the `sequence` extension (CloudEvents "sequence" extension: a string that orders events
 * of one source) the feed position, zero-padded so it also sorts as text.
 * Spec: https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/spec.md and formats/json-format.md.
 */
export interface CloudEvent {
    specversion: '1.0';
    id: string;
    source: string;
    type: string;
    subject: string;
    time: string;
    datacontenttype: 'application/json';
    sequence: string;
    driveid: string;
    data: Omit<ChangeEvent, 'driveId'>;
}

export function toCloudEvent(event: ChangeEvent, publicBaseUrl: string): CloudEvent {
    const { driveId, ...data } = event;
    return {
        specversion: '1.0',
        id: event.id,
        source: `${publicBaseUrl.replace(/\/+$/, '')}/api/drives/${encodeURIComponent(driveId)}/changes`,
        type: `${CHANGE_EVENT_TYPE_PREFIX}${event.type}`,
        subject: event.path,
        time: event.recordedAt,
        datacontenttype: 'application/json',
        sequence: String(event.sequence).padStart(16, '0'),
        driveid: driveId,
        data,
    };
}
