import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { DateTimeResolver } from 'graphql-scalars';
import { ConnectionType } from '../common/connection';
import { toGlobalId } from '../common/global-id';
import { Node } from '../common/node';
import type { ScopeRef } from '../common/scope-ref';
import type { PrincipalRow, TokenRow } from './principal.repository';

export enum RoleEnum {
  ADMIN = 'ADMIN',
  EDITOR = 'EDITOR',
  VIEWER = 'VIEWER',
  PUBLIC = 'PUBLIC',
}
registerEnumType(RoleEnum, {
  name: 'Role',
  description: 'What a principal may do.',
  valuesConfig: {
    ADMIN: { description: 'Everything, including the term calendar, principals and the audit log. Not scoped.' },
    EDITOR: {
      description:
        'Reads its scope’s subtree and its ancestors’ names; writes inside the subtree (organisations, congresses, readiness reports, proposing restructurings); approves or applies a restructuring only when every participant lies inside.',
    },
    VIEWER: { description: 'Reads its scope’s subtree and its ancestors’ names.' },
    PUBLIC: { description: 'Third parties: organisations, schedules and progress of its scope (everything when unscoped); never narratives, audit, principals or personnel fields.' },
  },
});

@ObjectType('AccessToken', { description: 'A token of a principal, as listed: the token itself was shown once, when it was made, and is stored only as a hash.', simpleResolvers: true })
export class AccessTokenType {
  @Field({ description: 'Its first characters (`dh_` and five more), to recognise it.' }) prefix!: string;
  @Field(() => DateTimeResolver) createdAt!: Date;
  @Field(() => DateTimeResolver, { nullable: true }) expiresAt!: Date | null;
  @Field(() => DateTimeResolver, { nullable: true }) revokedAt!: Date | null;
  @Field(() => DateTimeResolver, { nullable: true, description: 'Last request made with it (refreshed at most once a minute).' }) lastUsedAt!: Date | null;

  static from(row: TokenRow): AccessTokenType {
    return Object.assign(new AccessTokenType(), { prefix: row.prefix, createdAt: row.createdAt, expiresAt: row.expiresAt, revokedAt: row.revokedAt, lastUsedAt: row.lastUsedAt });
  }
}

@ObjectType('Principal', { implements: Node, description: 'Who may use the API: a name, a role, a scope organisation, and tokens. ADMIN only.' })
export class PrincipalType implements Node {
  row!: PrincipalRow;

  @Field(() => ID)
  get id(): string {
    return toGlobalId('Principal', this.row.id);
  }

  @Field() name!: string;
  @Field(() => RoleEnum) role!: RoleEnum;
  @Field(() => DateTimeResolver) createdAt!: Date;
  @Field({ description: 'Who made it (a principal’s name, or the tool).' }) createdBy!: string;
  @Field(() => DateTimeResolver, { nullable: true, description: 'When it was revoked, with every token; null: live.' }) revokedAt!: Date | null;

  scopeRef(): ScopeRef {
    return { kind: 'admin' };
  }

  static from(row: PrincipalRow): PrincipalType {
    return Object.assign(new PrincipalType(), { row, name: row.name, role: row.role as RoleEnum, createdAt: row.createdAt, createdBy: row.createdBy, revokedAt: row.revokedAt });
  }
}

@ObjectType('PrincipalConnection')
export class PrincipalConnection extends ConnectionType(PrincipalType, 'Principal') {}

@ObjectType('Viewer', { description: 'Who is asking: the principal of the request’s token (or the anonymous public role).' })
export class ViewerType {
  scopeId!: string | null;
  @Field({ description: 'The principal’s name ("anonymous" without a token).' }) name!: string;
  @Field(() => RoleEnum) role!: RoleEnum;
}
