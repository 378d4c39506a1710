/**
 * One error type for the whole project. `code` is stable and machine-readable;
 * `message` is for people; `location` points into an input file where there is one.
 * The CLI turns it into an exit code, the server into a 4xx JSON body.
 */
export interface InputLocation {
  file: string;
  line?: number;
  column?: number | string;
}

export type ErrorCode =
  | 'bad_request'
  | 'not_found'
  | 'invalid_job'
  | 'invalid_config'
  | 'invalid_input'
  | 'database_locked'
  | 'database'
  | 'disk_full'
  | 'integrity'
  | 'unauthorized'
  | 'forbidden'
  | 'conflict'
  | 'version_changed'
  | 'payload_too_large';

const HTTP_STATUS: Record<ErrorCode, number> = {
  bad_request: 400,
  not_found: 404,
  invalid_job: 400,
  invalid_config: 500,
  invalid_input: 400,
  database_locked: 503,
  database: 500,
  disk_full: 507,
  integrity: 500,
  unauthorized: 401,
  forbidden: 403,
  conflict: 409,
  version_changed: 409,
  payload_too_large: 413,
};

export class AppError extends Error {
  override readonly name = 'AppError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly location?: InputLocation,
    options?: { cause?: unknown },
  ) {
    super(location ? `${formatLocation(location)}: ${message}` : message, options);
  }

  get status(): number {
    return HTTP_STATUS[this.code];
  }
}

export function formatLocation(loc: InputLocation): string {
  let s = loc.file;
  if (loc.line !== undefined) s += `:${loc.line}`;
  if (loc.column !== undefined) s += typeof loc.column === 'number' ? `:${loc.column}` : ` (column ${loc.column})`;
  return s;
}
