export { ErrorCode } from './errors/error-codes.js';
export { ModelwireError, type ModelwireErrorOptions } from './errors/modelwire-error.js';
export { REDACTED, isSecretHeaderName, redactHeaders, redactText, type HeaderRecord } from './security/redact.js';
