import { Field, ID, InputType, Int } from 'type-graphql';
import { DateScalar } from '../common/dates';
import { OrganizationLevel } from '../organization/organization.levels';
import { RestructuringKind } from './restructuring.enums';

@InputType({ description: 'An organisation the restructuring creates (a new target); in the tree from the effective date.' })
export class NewOrganizationInput {
  @Field() code!: string;
  @Field() name!: string;
  @Field(() => String, { nullable: true }) shortName?: string | null;
  @Field(() => OrganizationLevel) level!: OrganizationLevel;
  @Field(() => ID, { nullable: true, description: 'An existing parent…' }) parent?: string | null;
  @Field(() => String, { nullable: true, description: '…or the code of another new organisation of this restructuring.' }) parentCode?: string | null;
  @Field(() => Int, { nullable: true, description: 'Its own members (a new cell); merged sources add theirs on apply.' }) memberCount?: number | null;
}

@InputType({ description: 'An organisation that moves, with its subtree, to a new parent from the effective date.' })
export class RestructuringMoveInput {
  @Field(() => ID) organization!: string;
  @Field(() => ID, { nullable: true, description: 'An existing new parent…' }) newParent?: string | null;
  @Field(() => String, { nullable: true, description: '…or the code of a new organisation of this restructuring.' }) newParentCode?: string | null;
}

@InputType()
export class RestructuringRenameInput {
  @Field(() => ID) organization!: string;
  @Field() name!: string;
  @Field(() => String, { nullable: true }) shortName?: string | null;
}

@InputType({ description: 'A proposal (đề án). Participants take part in no other pending restructuring.' })
export class RestructuringProposeInput {
  @Field(() => RestructuringKind) kind!: RestructuringKind;
  @Field() title!: string;
  @Field(() => String, { nullable: true }) note?: string | null;
  @Field(() => DateScalar, { nullable: true, description: 'The planned effective date; the decision confirms it.' }) effectiveOn?: string | null;
  @Field(() => DateScalar, { nullable: true, description: 'The day it was proposed (default today; not in the future): pending from that day.' }) proposedOn?: string | null;
  @Field(() => [ID], { nullable: true, description: 'Organisations that end.' }) sources?: string[] | null;
  @Field(() => [ID], { nullable: true, description: 'Existing organisations that are kept as targets (ABSORB, REORGANIZE).' }) targets?: string[] | null;
  @Field(() => [NewOrganizationInput], { nullable: true, description: 'Organisations the restructuring creates.' }) newTargets?: NewOrganizationInput[] | null;
  @Field(() => [RestructuringMoveInput], { nullable: true, description: 'Subtrees that move. For MERGE and ABSORB, what is not listed follows the sources into the target.' })
  moves?: RestructuringMoveInput[] | null;
  @Field(() => RestructuringRenameInput, { nullable: true }) rename?: RestructuringRenameInput | null;
  @Field(() => String, { nullable: true, deprecationReason: 'The principal of the request is recorded as the actor; this text is kept only for writes without one (seeds, tools).' }) actor?: string | null;
}

@InputType({ description: 'The decision: number, date (not in the future, not before the proposal; the APPROVED status is dated by it), issuer and the effective date (not before the decision).' })
export class RestructuringApproveInput {
  @Field(() => ID) id!: string;
  @Field(() => Int) version!: number;
  @Field() decisionNumber!: string;
  @Field(() => DateScalar) decisionDate!: string;
  @Field() issuer!: string;
  @Field(() => DateScalar) effectiveOn!: string;
  @Field(() => String, { nullable: true, deprecationReason: 'The principal of the request is recorded as the actor; this text is kept only for writes without one (seeds, tools).' }) actor?: string | null;
}

@InputType()
export class RestructuringApplyInput {
  @Field(() => ID) id!: string;
  @Field(() => Int) version!: number;
  @Field(() => String, { nullable: true, deprecationReason: 'The principal of the request is recorded as the actor; this text is kept only for writes without one (seeds, tools).' }) actor?: string | null;
}

@InputType()
export class RestructuringCancelInput {
  @Field(() => ID) id!: string;
  @Field(() => Int) version!: number;
  @Field() reason!: string;
  @Field(() => DateScalar, { nullable: true, description: 'The day it was withdrawn (default today; not in the future, not before the last status change).' })
  effectiveOn?: string | null;
  @Field(() => String, { nullable: true, deprecationReason: 'The principal of the request is recorded as the actor; this text is kept only for writes without one (seeds, tools).' }) actor?: string | null;
}
