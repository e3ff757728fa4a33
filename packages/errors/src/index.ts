// Public API of @modelwire/errors: the error base of every Modelwire package and secret
// redaction. It sits below every other package (transport, protocol, client, ...), so that a
// package without any network library (protocol) and one with sockets (transport) throw errors
// of one family, with one code table.

export { ClosedError } from './closed-error.js';
export { AlreadyConsumedError, BusyError, MissingCredentialsError } from './usage-errors.js';
export { ErrorCode } from './error-codes.js';
export { ModelwireError, type ModelwireErrorOptions } from './modelwire-error.js';
export { InvalidArgumentError, type InvalidArgumentIssue } from './invalid-argument-error.js';
export { redactError } from './redact-error.js';
export { MIN_SECRET_LENGTH, REDACTED, isSecretHeaderName, redactHeaders, redactLiteralSecrets, redactText, type HeaderRecord } from './redact.js';
