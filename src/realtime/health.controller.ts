import { Controller, Get, Inject, ServiceUnavailableException } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { GracefulShutdown } from './graceful-shutdown.js';

/** For load balancers: 200 while serving, 503 once draining for shutdown. */
@Controller('health')
export class HealthController {
  constructor(
    private readonly shutdown: GracefulShutdown,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get()
  health(): { status: 'ok'; instance: string } {
    if (this.shutdown.draining) throw new ServiceUnavailableException();
    return { status: 'ok', instance: this.config.instanceId };
  }
}
