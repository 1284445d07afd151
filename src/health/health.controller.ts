import { Controller, Get, Inject } from '@nestjs/common';
import { AppException } from '../common/errors.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import type { HealthChecks } from '../protocol/health.js';
import { GracefulShutdown } from '../realtime/graceful-shutdown.js';
import { Readiness } from './readiness.js';

interface Ready {
  status: 'ok';
  instance: string;
  checks: HealthChecks;
}

/**
 * Liveness for the orchestrator (restart a stuck process) and readiness for load balancers (send
 * users here or not). They differ on purpose: a Redis outage must take every instance out of the
 * balancer, and must not make Kubernetes restart them all.
 */
@Controller('health')
export class HealthController {
  constructor(
    private readonly shutdown: GracefulShutdown,
    private readonly readiness: Readiness,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Answering at all proves the event loop turns; nothing else is asked. */
  @Get('live')
  live(): { status: 'ok'; instance: string } {
    return { status: 'ok', instance: this.config.instanceId };
  }

  @Get('ready')
  ready(): Promise<Ready> {
    return this.answer();
  }

  /** What the shipped nginx and HAProxy configs of earlier releases probe. */
  @Get()
  health(): Promise<Ready> {
    return this.answer();
  }

  private async answer(): Promise<Ready> {
    const instance = this.config.instanceId;
    const checks = await this.readiness.run();
    const draining = this.shutdown.draining;
    if (draining || Object.values(checks).includes('down')) {
      throw new AppException('UNAVAILABLE', undefined, { instance, draining, checks });
    }
    return { status: 'ok', instance, checks };
  }
}
