import { registerEnumType } from 'type-graphql';

export enum RestructuringKind {
  MERGE = 'MERGE',
  ABSORB = 'ABSORB',
  SPLIT = 'SPLIT',
  DISSOLVE = 'DISSOLVE',
  END_OPERATION = 'END_OPERATION',
  ESTABLISH = 'ESTABLISH',
  TRANSFER = 'TRANSFER',
  RENAME = 'RENAME',
  REORGANIZE = 'REORGANIZE',
}
registerEnumType(RestructuringKind, {
  name: 'RestructuringKind',
  description: 'Kinds of action under Resolution 18-NQ/TW.',
  valuesConfig: {
    MERGE: { description: 'Hợp nhất: several sources end, one new target takes their place.' },
    ABSORB: { description: 'Sáp nhập: sources end and join an existing target.' },
    SPLIT: { description: 'Chia tách: one source ends, several targets share its organisations.' },
    DISSOLVE: { description: 'Giải thể: sources end; what sits under them is moved elsewhere.' },
    END_OPERATION: { description: 'Kết thúc hoạt động: sources end; what sits under them is moved elsewhere.' },
    ESTABLISH: { description: 'Thành lập mới: new targets are created.' },
    TRANSFER: { description: 'Chuyển giao nguyên trạng: subtrees move unchanged to new parents.' },
    RENAME: { description: 'Đổi tên: a target takes a new name; the old one still answers for earlier dates.' },
    REORGANIZE: { description: 'Tổ chức lại: any combination of the above in one decision.' },
  },
});

export enum RestructuringStatus {
  PROPOSED = 'PROPOSED',
  APPROVED = 'APPROVED',
  EFFECTIVE = 'EFFECTIVE',
  CANCELLED = 'CANCELLED',
}
registerEnumType(RestructuringStatus, {
  name: 'RestructuringStatus',
  valuesConfig: {
    PROPOSED: { description: 'A proposal (đề án) under review.' },
    APPROVED: { description: 'Decided: decision number, date, issuer and effective date are known.' },
    EFFECTIVE: { description: 'Applied to the tree from its effective date.' },
    CANCELLED: { description: 'Withdrawn; nothing was applied.' },
  },
});

export enum ParticipantRole {
  SOURCE = 'SOURCE',
  TARGET = 'TARGET',
  MOVED = 'MOVED',
  OLD_PARENT = 'OLD_PARENT',
  NEW_PARENT = 'NEW_PARENT',
}
registerEnumType(ParticipantRole, {
  name: 'ParticipantRole',
  description:
    'An organisation’s part in a restructuring. One organisation may hold several roles in the same restructuring ' +
    '(a Bloc that ends while its committees move away is both SOURCE and OLD_PARENT). More roles may be added: ' +
    'treat an unknown value as "touched by it".',
  valuesConfig: {
    SOURCE: { description: 'Ends on the effective date.' },
    TARGET: { description: 'Created (or kept, or renamed) by the change.' },
    MOVED: { description: 'Moves, with its subtree, to `newParent`.' },
    OLD_PARENT: {
      description:
        'Gives up a child: the parent a MOVED organisation leaves (recorded at proposal from the parent on the planned ' +
        'effective date, else that day; again at the decision, and finally when applied). It does not end because of it.',
    },
    NEW_PARENT: { description: 'Receives a child: the parent a MOVED organisation goes under, or under which a created TARGET is placed.' },
  },
});

/** Roles that do not claim the organisation: a parent may give or receive children in several pending restructurings. */
export const PARENT_ROLES: readonly ParticipantRole[] = [ParticipantRole.OLD_PARENT, ParticipantRole.NEW_PARENT];

