import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { toApiError } from './errors.js';

/** The one HTTP error filter: every error body is `{code, message, details?}` and nothing internal. */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger(HttpExceptionFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const { status, body } = toApiError(exception);
    // A 503 is an outage, logged once by the client that lost its connection, not per request.
    if (status >= 500 && status !== 503) {
      this.logger.error(
        exception instanceof Error ? (exception.stack ?? exception.message) : String(exception),
      );
    }
    if (res.headersSent) {
      res.end();
      return;
    }
    const retryAfterSec = (body.details as { retryAfterSec?: unknown } | undefined)?.retryAfterSec;
    if (typeof retryAfterSec === 'number') res.setHeader('Retry-After', String(retryAfterSec));
    res.status(status).json(body);
  }
}
