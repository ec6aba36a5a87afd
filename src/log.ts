import pino, { type Logger } from "pino";

/**
 * Structured JSON logs. Personal data never reaches them: request bodies, variables and SQL
 * parameters are not logged, and known personal fields are redacted should one slip into an object.
 */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: "margin-client-profile-api" },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: {
      paths: ["name", "idNumber", "phone", "*.name", "*.idNumber", "*.phone", "req.headers.authorization"],
      censor: "[masked]",
    },
  });
}

export type { Logger };
