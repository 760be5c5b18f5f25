import { CongressStage } from './congress.enums';

interface EventLike {
  toStage: CongressStage;
  effectiveOn: string;
}

/** The stage at the end of day `date`: the last event effective on or before it (events sorted); none = NOT_STARTED. */
export function stageAt(events: readonly EventLike[], date: string): CongressStage {
  let stage = CongressStage.NOT_STARTED;
  for (const e of events) {
    if (e.effectiveOn > date) break;
    stage = e.toStage;
  }
  return stage;
}

/** The last main-line stage (what a postponement interrupted). */
export function lastMainStage(events: readonly EventLike[]): CongressStage {
  for (let i = events.length - 1; i >= 0; i--) {
    const s = events[i].toStage;
    if (s !== CongressStage.POSTPONED && s !== CongressStage.SUPERSEDED) return s;
  }
  return CongressStage.NOT_STARTED;
}

/** Calendar days from start to end, both included. */
export function lengthInDays(start: string, end: string): number {
  return Math.round((Date.parse(end + 'T00:00:00Z') - Date.parse(start + 'T00:00:00Z')) / 86_400_000) + 1;
}
