import { registerEnumType } from 'type-graphql';

export enum ReadinessStatus {
  DRAFT = 'DRAFT',
  SUBMITTED = 'SUBMITTED',
  RETURNED = 'RETURNED',
  ACKNOWLEDGED = 'ACKNOWLEDGED',
}
registerEnumType(ReadinessStatus, {
  name: 'ReadinessStatus',
  description: 'Where a readiness report stands, as of the date it is read at.',
  valuesConfig: {
    DRAFT: { description: 'Being prepared by the organisation: not submitted, not counted upward.' },
    SUBMITTED: { description: 'Submitted to the parent, awaiting its decision.' },
    RETURNED: { description: 'Returned by the parent with a reason: the organisation resubmits a new version.' },
    ACKNOWLEDGED: { description: 'Acknowledged by the parent: final for this congress.' },
  },
});

export enum ComplaintKind {
  COMPLAINT = 'COMPLAINT',
  DENUNCIATION = 'DENUNCIATION',
}
registerEnumType(ComplaintKind, {
  name: 'ComplaintKind',
  valuesConfig: { COMPLAINT: { description: 'Khiếu nại.' }, DENUNCIATION: { description: 'Tố cáo.' } },
});

export enum ComplaintStatus {
  RECEIVED = 'RECEIVED',
  IN_PROGRESS = 'IN_PROGRESS',
  RESOLVED = 'RESOLVED',
}
registerEnumType(ComplaintStatus, {
  name: 'ComplaintStatus',
  description: 'Open = RECEIVED or IN_PROGRESS.',
  valuesConfig: {
    RECEIVED: { description: 'Received, not yet handled.' },
    IN_PROGRESS: { description: 'Being handled.' },
    RESOLVED: { description: 'Resolved (đã giải quyết).' },
  },
});

export const COMPLAINT_KINDS = [ComplaintKind.COMPLAINT, ComplaintKind.DENUNCIATION];
export const COMPLAINT_STATUSES = [ComplaintStatus.RECEIVED, ComplaintStatus.IN_PROGRESS, ComplaintStatus.RESOLVED];
