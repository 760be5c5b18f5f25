import { inputField, UserError, UserErrorException } from '../common/errors';
import { ref } from '../common/journal';
import type { Tx } from '../common/kernel';
import type { ComplaintKind, ComplaintStatus } from './readiness.enums';
import { insertComplaint, latestComplaint } from './readiness.complaints.repository';

const f = inputField;
export const MAX_COMPLAINTS = 1_000_000;

export interface ComplaintsSetCommand {
  congressId: string;
  kind: ComplaintKind;
  status: ComplaintStatus;
  count: number;
  /** Default: today. */
  effectiveOn?: string | null;
}

/**
 * Records how many complaints or denunciations about a congress are in one status from `effectiveOn` on: a new row,
 * the earlier ones kept (a read on an earlier date sees the earlier count). Counts only, no personal data. Codes:
 * NOT_FOUND (congress), INVALID_COUNT (not 0 to 1,000,000), FUTURE_DATE (effectiveOn after today), BEFORE_SCHEDULED
 * (before the congress was scheduled), OUT_OF_ORDER (before the latest count of the same kind and status).
 */
export async function setComplaints(tx: Tx, cmd: ComplaintsSetCommand): Promise<{ congressId: string; organizationId: string }> {
  const { sql } = tx;
  // Serialises the counts of one congress (a key-share lock, which the inserts' foreign key takes, still passes).
  const [congress] = await sql<{ organizationId: string; scheduledOn: string | null }>(
    'select organization_id as "organizationId", scheduled_on as "scheduledOn" from congress where id = ? for no key update',
    [cmd.congressId],
  );
  if (!congress) throw UserErrorException.of('NOT_FOUND', 'No congress with that id.', f('congress'));
  const effectiveOn = cmd.effectiveOn ?? tx.meta.today;
  const errors: UserError[] = [];
  if (!Number.isInteger(cmd.count) || cmd.count < 0 || cmd.count > MAX_COMPLAINTS) {
    errors.push(UserError.of('INVALID_COUNT', `The count must be a whole number from 0 to ${MAX_COMPLAINTS}.`, f('count')));
  }
  const previous = await latestComplaint(sql, cmd.congressId, cmd.kind, cmd.status);
  if (effectiveOn > tx.meta.today) errors.push(UserError.of('FUTURE_DATE', `${effectiveOn} is in the future (today is ${tx.meta.today}).`, f('effectiveOn')));
  else if (congress.scheduledOn && effectiveOn < congress.scheduledOn) {
    errors.push(UserError.of('BEFORE_SCHEDULED', `The congress was scheduled on ${congress.scheduledOn}, after ${effectiveOn}.`, f('effectiveOn')));
  } else if (previous && effectiveOn < previous.effectiveOn) {
    errors.push(UserError.of('OUT_OF_ORDER', `A count of ${cmd.kind} ${cmd.status} is already recorded from ${previous.effectiveOn}; record counts in date order.`, f('effectiveOn')));
  }
  if (errors.length) throw new UserErrorException(errors);

  await insertComplaint(sql, cmd.congressId, { kind: cmd.kind, status: cmd.status, count: cmd.count, effectiveOn });
  const field = `${cmd.kind}.${cmd.status}`;
  await tx.change({
    kind: 'ComplaintsCounted',
    effectiveOn,
    organizations: [congress.organizationId],
    entities: [ref('CongressComplaints', cmd.congressId), ref('Congress', cmd.congressId)],
    before: { [field]: previous?.count ?? 0 },
    after: { [field]: cmd.count, effectiveOn },
  });
  return { congressId: cmd.congressId, organizationId: congress.organizationId };
}
