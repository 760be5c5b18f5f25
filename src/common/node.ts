import { Field, ID, InterfaceType } from 'type-graphql';

@InterfaceType({ description: 'An object with an opaque global id, fetchable with `node(id:)`.' })
export abstract class Node {
  @Field(() => ID, { description: 'Opaque global id. An Organization or Congress read on a day other than today has an id of its own for that date; `node(id:)` returns that dated view.' })
  id!: string;
}
