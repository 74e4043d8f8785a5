/**
 * Typed core errors. Each carries the code the API reports for it, so shells map an error by
 * its class, never by its message text. Anything else that escapes the core is 'internal'.
 */
export type CoreErrorCode = 'bad_request' | 'not_found' | 'conflict';

export class CoreError extends Error {
  constructor(
    readonly code: CoreErrorCode,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** A referenced image, model, class or run does not exist. */
export class NotFoundError extends CoreError {
  constructor(message: string) {
    super('not_found', message);
  }
}

/** The request cannot be carried out as given (bad value, too few labels, unknown class). */
export class InvalidInputError extends CoreError {
  constructor(message: string) {
    super('bad_request', message);
  }
}

/** The request collides with the project's current state (busy, changed since read). */
export class ConflictError extends CoreError {
  constructor(message: string) {
    super('conflict', message);
  }
}
