import type { ApolloServerPlugin } from '@apollo/server';
import {
  getArgumentValues,
  getNamedType,
  getNullableType,
  getVariableValues,
  GraphQLError,
  isCompositeType,
  isInputObjectType,
  isListType,
  Kind,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { CONTROL_CHARACTER, LONE_SURROGATE } from '../common/text';

/** A string argument value holding a control character or an unpaired surrogate: where it is and which one. */
export interface ControlCharacterFound {
  /** The field taking the argument, as a schema coordinate: "Mutation.organizationCreate". */
  coordinate: string;
  /** The argument and the path inside its value: ["input", "newTargets", "0", "name"]. */
  path: string[];
  character: string;
  /** A C0 control or DEL, or a UTF-16 surrogate without its pair. */
  kind: 'control' | 'surrogate';
}

/**
 * Inspects every string in every argument value of the operation — literals and variables alike, after coercion,
 * nested in input objects and lists — and returns the first one holding a C0 control character (tab, line feed and
 * carriage return excepted), DEL or an unpaired UTF-16 surrogate. Every field of the schema is covered, including fields added later.
 * Variables that do not coerce are left to execution, which reports them.
 */
export function findControlCharacter(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown> | undefined,
): ControlCharacterFound | null {
  const coercion = getVariableValues(schema, operation.variableDefinitions ?? [], variables ?? {});
  if (coercion.errors) return null;
  const coerced = coercion.coerced;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const visited = new Set<string>();

  const inValue = (value: unknown, type: GraphQLInputType, path: string[]): Omit<ControlCharacterFound, 'coordinate'> | null => {
    if (value == null) return null;
    const nullable = getNullableType(type);
    if (isListType(nullable)) {
      const items = Array.isArray(value) ? value : [value];
      for (const [i, item] of items.entries()) {
        const found = inValue(item, nullable.ofType, [...path, String(i)]);
        if (found) return found;
      }
      return null;
    }
    if (isInputObjectType(nullable)) {
      const fields = nullable.getFields();
      for (const [name, v] of Object.entries(value as Record<string, unknown>)) {
        const found = fields[name] ? inValue(v, fields[name].type, [...path, name]) : null;
        if (found) return found;
      }
      return null;
    }
    if (typeof value !== 'string') return null;
    const control = value.match(CONTROL_CHARACTER);
    if (control) return { path, character: control[0], kind: 'control' };
    const surrogate = value.match(LONE_SURROGATE);
    return surrogate ? { path, character: surrogate[0], kind: 'surrogate' } : null;
  };

  const argumentsOf = (field: GraphQLField<unknown, unknown>, node: FieldNode): Record<string, unknown> => {
    try {
      return getArgumentValues(field, node, coerced);
    } catch {
      return {}; // an argument that does not coerce: execution reports it
    }
  };

  const inSelections = (selectionSet: SelectionSetNode, parent: GraphQLCompositeType): ControlCharacterFound | null => {
    for (const selection of selectionSet.selections) {
      let found: ControlCharacterFound | null = null;
      if (selection.kind === Kind.FIELD) {
        const field = 'getFields' in parent ? parent.getFields()[selection.name.value] : undefined;
        if (!field) continue; // __typename, or a field validation already refused
        if (field.args.length && selection.arguments?.length) {
          const args = argumentsOf(field, selection);
          for (const arg of field.args) {
            const inArg = inValue(args[arg.name], arg.type, [arg.name]);
            if (inArg) return { coordinate: `${parent.name}.${field.name}`, ...inArg };
          }
        }
        const type = getNamedType(field.type);
        if (selection.selectionSet && isCompositeType(type)) found = inSelections(selection.selectionSet, type);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
        if (type && isCompositeType(type)) found = inSelections(selection.selectionSet, type);
      } else {
        // A fragment's arguments are the same wherever it is spread (variables are the operation's): look once.
        const fragment = fragments.get(selection.name.value);
        if (!fragment || visited.has(fragment.name.value)) continue;
        visited.add(fragment.name.value);
        const type = schema.getType(fragment.typeCondition.name.value);
        if (type && isCompositeType(type)) found = inSelections(fragment.selectionSet, type);
      }
      if (found) return found;
    }
    return null;
  };

  const root = schema.getRootType(operation.operation);
  return root ? inSelections(operation.selectionSet, root) : null;
}

/**
 * Refuses, before execution, an operation whose arguments carry a control character (PostgreSQL rejects U+0000
 * outright, and no text of the domain holds the others) or an unpaired surrogate (not a character; PostgreSQL
 * refuses it in json): one top-level BAD_USER_INPUT naming the argument path.
 */
export function inputGuardPlugin<TContext extends object>(): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operation, request }) {
          if (!operation) return;
          const found = findControlCharacter(schema, document, operation, request.variables);
          if (!found) return;
          const argument = found.path.join('.');
          const character = 'U+' + found.character.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
          const what = found.kind === 'control' ? `the control character ${character}` : `the unpaired surrogate ${character}`;
          throw new GraphQLError(`Argument "${argument}" of ${found.coordinate} contains ${what}, which is not allowed.`, {
            extensions: { code: 'BAD_USER_INPUT', field: found.coordinate, argument, http: { status: 400 } },
          });
        },
      };
    },
  };
}
