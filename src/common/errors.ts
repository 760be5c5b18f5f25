import { GraphQLError } from 'graphql';
import { Field, ObjectType } from 'type-graphql';

/** The documented set of top-level `extensions.code` values. */
export const ERROR_CODES = [
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'BAD_USER_INPUT',
  'CONFLICT',
  'RATE_LIMITED',
  'QUERY_TOO_COMPLEX',
  'SERVICE_UNAVAILABLE',
  'INTERNAL_SERVER_ERROR',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export function clientError(code: ErrorCode, message: string, extra: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...extra } });
}

export const badInput = (message: string, extra: Record<string, unknown> = {}) => clientError('BAD_USER_INPUT', message, extra);

/** The path of an input field, for `UserError.field`: inputField('moves', 0, 'newParent'). */
export const inputField = (...path: (string | number)[]): string[] => ['input', ...path.map(String)];

/** A business failure of a mutation, returned in its payload's `userErrors`. */
@ObjectType({ description: 'A business rule the input broke. `field` is the path of the input field at fault.' })
export class UserError {
  @Field(() => [String], { nullable: true, description: 'Path to the input field at fault, e.g. ["input", "name"].' })
  field?: string[];

  @Field({
    description:
      'A stable machine-readable code; each mutation documents the codes it returns. Any text it stores may also be refused with REQUIRED (blank: only spaces or invisible characters), TOO_LONG (characters counted after Unicode NFC) or INVALID_CHARACTERS (a tab or line break in a one-line text: name, code, title, decision number, issuer, actor).',
  })
  code!: string;

  @Field({ description: 'A human-readable explanation.' })
  message!: string;

  static of(code: string, message: string, field?: string[]): UserError {
    return Object.assign(new UserError(), { code, message, field });
  }
}

/** Thrown inside a service transaction to roll it back and report a user error. */
export class UserErrorException extends Error {
  constructor(public readonly errors: UserError[]) {
    super(errors.map((e) => `${e.code}: ${e.message}`).join('; '));
  }
  static of(code: string, message: string, field?: string[]) {
    return new UserErrorException([UserError.of(code, message, field)]);
  }
}
