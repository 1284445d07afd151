import { Logger as NestLogger } from '@nestjs/common';
import { Logger as PinoNestLogger, PinoLogger } from 'nestjs-pino';
import { pino, type Logger } from 'pino';
import pretty from 'pino-pretty';
import type { AppConfig } from '../config/config.js';

/**
 * Nest's own start-up chatter (module wiring, every route mapped): useful when debugging the
 * framework, noise in an operator's log. These contexts log at debug instead of info.
 */
const FRAMEWORK_CONTEXTS = new Set([
  'NestFactory',
  'InstanceLoader',
  'RoutesResolver',
  'RouterExplorer',
  'NestApplication',
  'WebSocketsController',
]);

/**
 * Keys that must never reach a log, wherever they sit in a logged object. Nothing logs them on
 * purpose; this is the net under a future mistake.
 */
const REDACTED = [
  'password',
  'currentPassword',
  'newPassword',
  'token',
  'accessToken',
  'ticket',
  'cookie',
  'authorization',
  'sid',
  'text',
  '*.password',
  '*.currentPassword',
  '*.newPassword',
  '*.token',
  '*.accessToken',
  '*.ticket',
  '*.cookie',
  '*.authorization',
  '*.sid',
  '*.text',
  'headers.cookie',
  'headers.authorization',
];

/** Nest's logger contract on pino, framework chatter demoted to debug. */
class TetherNestLogger extends PinoNestLogger {
  override log(message: unknown, ...params: unknown[]): void {
    const context = params.at(-1);
    if (typeof context === 'string' && FRAMEWORK_CONTEXTS.has(context)) super.debug(message, ...params);
    else super.log(message, ...params);
  }
}

export interface Logging {
  /** The process's pino logger. */
  root: Logger;
  /** What Nest logs through (`NestFactory.create({logger})`, `Logger.overrideLogger`). */
  nest: TetherNestLogger;
}

let logging: Logging | undefined;
const SILENT = pino({ level: 'silent' });
let pinoLogger: PinoLogger | undefined;

/**
 * pino, as JSON lines (LOG_FORMAT=json, the production default) or as readable text coloured
 * only on a terminal. One logger per process: nestjs-pino keeps its root in module state, and
 * everything (Nest's `Logger`, the request log, events) writes through it. Called again in the
 * same process (tests start several apps), the first configuration stays.
 */
export function configureLogging(config: Pick<AppConfig, 'logFormat' | 'logLevel' | 'instanceId'>): Logging {
  if (logging) return logging;
  const options = {
    level: config.logLevel,
    base: { instance: config.instanceId },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label: string) => ({ level: label }) },
    redact: { paths: REDACTED, censor: '[redacted]' },
  };
  const destination =
    config.logFormat === 'json'
      ? pino.destination({ dest: 1, sync: true })
      : pretty({
          colorize: process.stdout.isTTY === true,
          sync: true,
          translateTime: 'SYS:HH:MM:ss.l',
          ignore: 'pid,hostname,instance',
          messageKey: 'msg',
        });
  const root = pino(options, destination);
  const params = { pinoHttp: { logger: root } };
  pinoLogger = new PinoLogger(params);
  const nest = new TetherNestLogger(pinoLogger, params);
  NestLogger.overrideLogger(nest);
  logging = { root, nest };
  return logging;
}

/** Runs `fn` with every log line inside it (Nest loggers included) carrying `bindings`. */
export function runInLogContext<T>(bindings: Record<string, unknown>, fn: () => T): T {
  return pinoLogger ? pinoLogger.runInContext(fn, { bindings }) : fn();
}

/** The logger of the current context (a request's carries its `reqId`); silent before `configureLogging`. */
export function contextLogger(): Logger {
  return pinoLogger?.logger ?? SILENT;
}
