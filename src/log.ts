import pino, { type Logger } from "pino";

/**
 * Structured JSON logs. Personal data never reaches them: request bodies, variables and SQL
 * parameters are not logged, and known personal fields are redacted should one slip into an object.
 */
export function createLogger(level: string, opts: { pretty?: boolean } = {}): Logger {
  return pino({
    level,
    base: { service: "margin-client-profile-api" },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: {
      paths: ["name", "idNumber", "phone", "*.name", "*.idNumber", "*.phone", "req.headers.authorization"],
      censor: "[masked]",
    },
    // LOG_PRETTY=true (development only, refused in production): readable lines through pino-pretty,
    // a development dependency; the same redaction applies before formatting.
    ...(opts.pretty ? { transport: { target: "pino-pretty", options: { colorize: true } } } : {}),
  });
}

export type { Logger };
