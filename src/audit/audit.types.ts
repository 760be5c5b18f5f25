import type { ScopeRef } from '../common/scope-ref';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { DateTimeResolver, JSONResolver } from 'graphql-scalars';
import { ConnectionType } from '../common/connection';
import { toGlobalId } from '../common/global-id';
import { Node } from '../common/node';
import type { AuditEntityChange, AuditEntityRef, PrincipalKind } from './audit.record';
import type { AuditEventRow } from './audit.repository';

export enum AuditPrincipalKind {
  ANONYMOUS = 'ANONYMOUS',
  PRINCIPAL = 'PRINCIPAL',
  SYSTEM = 'SYSTEM',
}

registerEnumType(AuditPrincipalKind, {
  name: 'AuditPrincipalKind',
  description: 'Who wrote.',
  valuesConfig: {
    ANONYMOUS: { description: 'A request without a token: every write before access control existed (anonymous requests cannot write now).' },
    PRINCIPAL: { description: 'An authenticated principal.' },
    SYSTEM: { description: 'The service itself: the demo seed, a command-line tool.' },
  },
});

/** Entity types whose objects are Nodes (`node(id:)` finds them while they exist). */
const NODE_TYPES: ReadonlySet<string> = new Set(['Organization', 'Congress', 'Restructuring', 'Principal', 'ReadinessReport']);

@ObjectType('AuditPrincipal', { description: 'The viewer of the request that wrote.', simpleResolvers: true })
export class AuditPrincipalType {
  @Field(() => AuditPrincipalKind) kind!: AuditPrincipalKind;
  @Field({ description: 'The principal’s name; "anonymous" for an anonymous request; for the service, what wrote (e.g. "demo seed").' }) name!: string;
  @Field(() => String, { nullable: true, description: 'A principal’s role when it wrote (ADMIN, EDITOR); null otherwise.' }) role!: string | null;
  @Field(() => ID, { nullable: true, description: 'The Principal’s global id (`node(id:)` finds it); null for anonymous and system writers.' }) principalId!: string | null;
}

@ObjectType('AuditEntity', { description: 'An object a write touched.', simpleResolvers: true })
export class AuditEntityType {
  ref!: AuditEntityRef;
  @Field({ description: 'Its type: Organization, Congress, Restructuring, ReadinessReport, Principal (Nodes); TermCalendarEntry, RiskThreshold, CongressComplaints.' }) type!: string;
  @Field(() => ID, { nullable: true, description: 'Its global id, when it is a Node (its plain, undated id); null otherwise.' }) id!: string | null;
  @Field(() => String, { nullable: true, description: 'For an object that is not a Node, its natural key (a TermCalendarEntry: "term:level", e.g. "2025-2030:CELL"); null for a Node.' })
  key!: string | null;
  // `node: Node` (today's view; null when it is gone or not a Node): AuditEntityResolver.

  get isNode(): boolean {
    return NODE_TYPES.has(this.ref.type);
  }

  static from(ref: AuditEntityRef): AuditEntityType {
    const node = NODE_TYPES.has(ref.type);
    return Object.assign(new AuditEntityType(), { ref, type: ref.type, id: node ? toGlobalId(ref.type, ref.id) : null, key: node ? null : ref.id });
  }
}

@ObjectType('AuditChange', { description: 'One field of one entity that a write changed: its value before and after the transaction.', simpleResolvers: true })
export class AuditChangeType {
  @Field(() => AuditEntityType) entity!: AuditEntityType;
  @Field({ description: 'The field, named as the API names it where it has one (e.g. "stage", "name", "plannedStart").' }) field!: string;
  @Field(() => JSONResolver, { nullable: true, description: 'Its value before (dates as "YYYY-MM-DD"); null when it had none, e.g. the entity was created.' })
  before!: unknown;
  @Field(() => JSONResolver, { nullable: true, description: 'Its value after; null when it has none.' }) after!: unknown;
}

/** Every changed field of each entity, entity by entity, in the order the fields were recorded. */
function flatten(changes: readonly AuditEntityChange[], entityOf: (ref: AuditEntityRef) => AuditEntityType): AuditChangeType[] {
  return changes.flatMap((c) => {
    const entity = entityOf(c);
    const fields = [...new Set([...Object.keys(c.before), ...Object.keys(c.after)])];
    return fields.map((field) => Object.assign(new AuditChangeType(), { entity, field, before: c.before[field] ?? null, after: c.after[field] ?? null }));
  });
}

@ObjectType('AuditEvent', {
  implements: Node,
  simpleResolvers: true,
  description:
    'One committed write: a mutation (its name is the operation), the demo seed ("demoSeed") or a tool. Exactly one per transaction that changed something, ' +
    'written in it: a refused or failed mutation has none. Append-only: the database refuses to change or delete one.',
})
export class AuditEventType implements Node {
  @Field(() => ID) id!: string;

  /** Access control: the audit log is ADMIN's. */
  scopeRef(): ScopeRef {
    return { kind: 'admin' };
  }

  @Field(() => DateTimeResolver, { description: 'When the transaction began.' }) occurredAt!: Date;
  @Field(() => AuditPrincipalType) principal!: AuditPrincipalType;
  @Field({ description: 'The mutation’s name (e.g. "congressAdvance"), or what else wrote (e.g. "demoSeed").' }) operation!: string;
  @Field(() => String, { nullable: true, description: 'The id of the HTTP request (its `x-request-id`); null outside a request.' }) requestId!: string | null;
  @Field(() => [AuditEntityType], { description: 'Every object the write touched, each once.' }) entities!: AuditEntityType[];
  @Field(() => [AuditChangeType], { description: 'Before and after of every field it changed.' }) changes!: AuditChangeType[];

  static from(row: AuditEventRow): AuditEventType {
    const entities = new Map(row.entities.map((ref) => [`${ref.type}:${ref.id}`, AuditEntityType.from(ref)]));
    const entityOf = (ref: AuditEntityRef) => entities.get(`${ref.type}:${ref.id}`) ?? AuditEntityType.from(ref);
    return Object.assign(new AuditEventType(), {
      id: toGlobalId('AuditEvent', row.id),
      occurredAt: row.occurredAt,
      principal: Object.assign(new AuditPrincipalType(), {
        kind: row.principal.kind.toUpperCase() as AuditPrincipalKind,
        name: row.principal.name,
        role: row.principal.role ?? null,
        principalId: row.principal.kind === 'principal' && row.principal.id ? toGlobalId('Principal', row.principal.id) : null,
      }),
      operation: row.operation,
      requestId: row.requestId,
      entities: [...entities.values()],
      changes: flatten(row.changes, entityOf),
    });
  }
}

export type { PrincipalKind };

@ObjectType({ description: 'Audit events, newest first.' })
export class AuditEventConnection extends ConnectionType(AuditEventType, 'AuditEvent') {}
