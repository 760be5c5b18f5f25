import { UserError } from '../common/errors';
import type { Sql } from '../common/sql';
import { OrganizationLevel } from '../organization/organization.levels';
import { CommitteeFormation, CongressMode, CongressStage, rank } from './congress.enums';

/**
 * The Party Charter's congress rules that may change, read from data (tables `congress_rule` and
 * `congress_level_rule`, seeded with the Charter's values; see their migration). Rules are per term; a term without
 * its own follows the latest earlier term that has them. The checks here are pure: callers read the rules once and
 * report every broken rule as a coded user error at the input field at fault.
 */

export interface CongressRules {
  /** The term asked for. */
  term: string;
  /** The term whose recorded rules apply (the same, or the latest earlier one). */
  definedFor: string;
  approvalRequired: boolean;
  quorumNumerator: number;
  quorumDenominator: number;
  cellMinMembers: number;
  cellCommitteeMinMembers: number;
  smallCellMaxElected: number;
  /** Congresses per term, by level; a level not listed holds one. */
  roundsPerTerm: Partial<Record<OrganizationLevel, number>>;
  version: number;
}

/** Cells (chi bộ): a cell under a base committee or a sub-committee, and a base organisation that is a single cell. */
export const CELL_LEVELS: ReadonlySet<OrganizationLevel> = new Set([OrganizationLevel.CELL, OrganizationLevel.BASE_CELL]);

const RULES_SQL = (where: string) => `
  select t.code as term, r.term as "definedFor", r.approval_required as "approvalRequired",
         r.quorum_numerator as "quorumNumerator", r.quorum_denominator as "quorumDenominator",
         r.cell_min_members as "cellMinMembers", r.cell_committee_min_members as "cellCommitteeMinMembers",
         r.small_cell_max_elected as "smallCellMaxElected", r.version,
         coalesce((select json_object_agg(l.level, l.rounds_per_term) from congress_level_rule l where l.term = r.term), '{}') as "roundsPerTerm"
    from term t
    join lateral (select r.* from congress_rule r join term rt on rt.code = r.term
                   where rt.starts_on <= t.starts_on order by rt.starts_on desc limit 1) r on true
   where ${where}`;

/** The rules of a term (null: no such term, or no rules recorded for it or before it). One statement. */
export async function rulesFor(sql: Sql, term: string): Promise<CongressRules | null> {
  const [row] = await sql<CongressRules>(RULES_SQL('t.code = ?'), [term]);
  return row ?? null;
}

/** The rules of the current term: what applies to the tree today (a cell's size). */
export async function currentRules(sql: Sql): Promise<CongressRules | null> {
  const [row] = await sql<CongressRules>(RULES_SQL('t.is_current'));
  return row ?? null;
}

export const roundsFor = (rules: CongressRules | null, level: OrganizationLevel): number => rules?.roundsPerTerm[level] ?? 1;

/** A cell has at least `cellMinMembers` members (CELL_TOO_SMALL). Other levels have no minimum here. */
export function cellSizeError(rules: CongressRules | null, level: OrganizationLevel, members: number, field: string[]): UserError | null {
  if (!rules || !CELL_LEVELS.has(level) || members >= rules.cellMinMembers) return null;
  return UserError.of('CELL_TOO_SMALL', `A cell (chi bộ) has at least ${rules.cellMinMembers} members; ${members} given.`, field);
}

export interface ResultFacts {
  mode: CongressMode;
  level: OrganizationLevel;
  /** The organisation's members now (member counts are not dated). */
  members: number;
  /** The last main-line stage before the result (what a postponement interrupted). */
  lastMainStage: CongressStage;
  delegatesConvened?: number | null;
  delegatesAttending?: number | null;
  committeeSize?: number | null;
  committeeFormation: CommitteeFormation;
}

/**
 * The Charter's rules on a congress result, each at its input field:
 * - NO_QUORUM: valid only when MORE than quorumNumerator/quorumDenominator of those convened attend;
 * - APPOINTMENT_NOT_ALLOWED: a FULL congress elects its committee (appointment is for two-content congresses);
 * - CELL_COMMITTEE_NOT_ALLOWED: a cell under cellCommitteeMinMembers elects a secretary (and may elect a deputy),
 *   not a committee: at most smallCellMaxElected;
 * - NOT_APPROVED: held only after the superior's approval (unless the term's rules relax it);
 * - REQUIRED: delegates attending without those convened (a quorum is judged on both);
 * - OUT_OF_RANGE: an elected committee of no one, or a cell's committee larger than the cell.
 */
export function resultRuleErrors(rules: CongressRules | null, r: ResultFacts, field: (...path: string[]) => string[]): UserError[] {
  const errors: UserError[] = [];
  if (r.mode === CongressMode.FULL && r.committeeFormation !== CommitteeFormation.ELECTED) {
    errors.push(UserError.of('APPOINTMENT_NOT_ALLOWED', 'A full congress elects its committee; the superior appoints one only at a two-content congress.', field('committeeFormation')));
  }
  const { delegatesConvened: convened, delegatesAttending: attending } = r;
  // An attendance is judged against those convened: without them it cannot show a quorum.
  if (attending != null && convened == null) {
    errors.push(UserError.of('REQUIRED', 'Give the delegates convened with those attending: the quorum is judged on both.', field('delegatesConvened')));
  }
  if (r.committeeSize != null && r.committeeFormation === CommitteeFormation.ELECTED && r.committeeSize < 1) {
    errors.push(UserError.of('OUT_OF_RANGE', 'An elected committee has at least one member (the secretary).', field('committeeSize')));
  }
  if (r.committeeSize != null && CELL_LEVELS.has(r.level) && r.committeeSize > r.members) {
    errors.push(UserError.of('OUT_OF_RANGE', `A cell of ${r.members} members cannot elect a committee of ${r.committeeSize}.`, field('committeeSize')));
  }
  if (!rules) return errors;
  const counted = convened != null && attending != null && Number.isInteger(attending) && attending >= 0 && attending <= convened; // else OUT_OF_RANGE
  if (counted && attending * rules.quorumDenominator <= convened * rules.quorumNumerator) {
    errors.push(
      UserError.of('NO_QUORUM', `${attending} of ${convened} attending is not more than ${rules.quorumNumerator}/${rules.quorumDenominator}: the congress is not valid.`, field('delegatesAttending')),
    );
  }
  if (CELL_LEVELS.has(r.level) && r.members < rules.cellCommitteeMinMembers && r.committeeSize != null && r.committeeSize > rules.smallCellMaxElected) {
    errors.push(
      UserError.of(
        'CELL_COMMITTEE_NOT_ALLOWED',
        `A cell of ${r.members} members (under ${rules.cellCommitteeMinMembers}) elects a secretary and may elect a deputy: at most ${rules.smallCellMaxElected}, not ${r.committeeSize}.`,
        field('committeeSize'),
      ),
    );
  }
  if (rules.approvalRequired && rank(r.lastMainStage) < rank(CongressStage.APPROVED)) {
    errors.push(UserError.of('NOT_APPROVED', `The superior has not approved this congress (it is ${r.lastMainStage}): record APPROVED first.`, field('id')));
  }
  return errors;
}
