/** Small coded errors thrown at the edges; one place per entry point maps them to a reply. */
export class VigilError extends Error {
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}
export class ConfigError extends VigilError {
  constructor(message: string) {
    super('config_invalid', message);
  }
}
export class SchemaError extends VigilError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('schema_invalid', message, options);
  }
}
export class UpstreamError extends VigilError {
  constructor(
    code: string,
    message: string,
    readonly status?: number,
    readonly requestId?: string,
  ) {
    super(code, message);
  }
}
export class AuthError extends UpstreamError {
  constructor(message: string, status: number) {
    super('upstream_auth', message, status);
  }
}
export class NotAuthorizedError extends VigilError {
  constructor(message: string) {
    super('not_authorized', message);
  }
}
