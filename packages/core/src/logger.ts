/**
 * Drivers log decisions (a retry, a fallback, a chosen part size), never payloads or
 * secrets. The default logger is silent; pass your own to a driver to see them.
 */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
}

/** A logger that drops everything. */
export const silentLogger: Logger = {
  debug() {},
  warn() {},
};
