import { UserError } from '../common/errors';
import type { Sql } from '../common/sql';
import type { OrganizationLevel } from '../organization/organization.levels';
import { isHeld, type CongressStage } from './congress.enums';
import { roundsFor, type CongressRules } from './congress.rules';

/**
 * The rounds of a term. Round 1 is the term-opening congress, the one the roll-up, the deadlines and "lower levels
 * first" count; cells hold a mid-term congress too (round 2: chi bộ congresses happen twice in a five-year term).
 * How many rounds a level holds is data (`congress_level_rule.rounds_per_term`). Round n is held after round n-1.
 */

interface PreviousRound {
  stage: CongressStage;
  heldEnd: string | null;
}

async function previousRound(sql: Sql, organizationId: string, term: string, round: number): Promise<PreviousRound | null> {
  const [row] = await sql<PreviousRound>(
    'select stage, held_end::text as "heldEnd" from congress where organization_id = ? and term = ? and round = ?',
    [organizationId, term, round - 1],
  );
  return row ?? null;
}

export interface RoundFields {
  round: string[];
  start: string[];
}

/**
 * The errors of holding round `round` of `term` starting on `start`: OUT_OF_RANGE (not a positive integer),
 * ROUND_NOT_ALLOWED (more rounds than the level holds), PREVIOUS_ROUND_NOT_HELD (round n-1 missing or not held),
 * BEFORE_PREVIOUS_ROUND (starting on or before round n-1's closing day).
 */
export async function roundErrors(
  sql: Sql,
  rules: CongressRules | null,
  org: { id: string; level: OrganizationLevel },
  term: string,
  round: number,
  start: string,
  fields: RoundFields,
): Promise<UserError[]> {
  if (!Number.isInteger(round) || round < 1) return [UserError.of('OUT_OF_RANGE', 'The round must be 1 (the term-opening congress) or more.', fields.round)];
  const allowed = roundsFor(rules, org.level);
  if (round > allowed) {
    return [UserError.of('ROUND_NOT_ALLOWED', `A ${org.level} holds ${allowed} congress${allowed === 1 ? '' : 'es'} in ${term}; round ${round} is not allowed.`, fields.round)];
  }
  if (round === 1) return [];
  const previous = await previousRound(sql, org.id, term, round);
  if (!previous || !isHeld(previous.stage) || !previous.heldEnd) {
    return [UserError.of('PREVIOUS_ROUND_NOT_HELD', `Round ${round - 1} of ${term} must be held before round ${round}.`, fields.round)];
  }
  if (start <= previous.heldEnd) {
    return [UserError.of('BEFORE_PREVIOUS_ROUND', `Round ${round - 1} closed on ${previous.heldEnd}; round ${round} starts after it.`, fields.start)];
  }
  return [];
}

/** The default ordinal (lần thứ): one more than the organisation's latest congress before this one, else 1. */
export async function nextOrdinal(sql: Sql, organizationId: string, term: string, round: number): Promise<number> {
  const [previous] = await sql<{ ordinal: number | null }>(
    'select max(ordinal)::int as ordinal from congress where organization_id = ? and (term < ? or (term = ? and round < ?))',
    [organizationId, term, term, round],
  );
  return (previous?.ordinal ?? 0) + 1;
}
