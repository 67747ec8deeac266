import pino, { type Logger } from 'pino';
import type { Config } from './config.js';

/** JSON lines; pretty, coloured output only when a person is watching a terminal. */
export function createLogger(config: Pick<Config, 'LOG_LEVEL'>, tty = process.stdout.isTTY): Logger {
  return pino({
    level: config.LOG_LEVEL,
    base: { service: 'clientflow' },
    ...(tty ? { transport: { target: 'pino-pretty', options: { translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname,service' } } } : {}),
  });
}
