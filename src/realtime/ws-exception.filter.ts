import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import { toApiError, type ApiError } from '../common/errors.js';

/**
 * Socket errors become `{ok:false, error}` acks. Nest's own filter never calls the ack and echoes
 * the payload; this one always answers (when the client asked for an ack) and leaks nothing.
 */
@Catch()
export class WsExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger(WsExceptionFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const { status, body } = toApiError(exception);
    // A 503 is an outage, logged once by the client that lost its connection, not per event.
    if (status >= 500 && status !== 503) {
      this.logger.error(
        exception instanceof Error ? (exception.stack ?? exception.message) : String(exception),
      );
    }
    const ack = host.getArgs().find((arg): arg is (response: unknown) => void => typeof arg === 'function');
    ack?.(errorAck(body));
  }
}

/** How every socket event answers a failure. */
export function errorAck(error: ApiError): { ok: false; error: ApiError } {
  return { ok: false, error };
}
