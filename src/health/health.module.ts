import { Module } from '@nestjs/common';
import { RealtimeModule } from '../realtime/realtime.module.js';
import { HealthController } from './health.controller.js';
import { Readiness } from './readiness.js';

@Module({
  imports: [RealtimeModule],
  controllers: [HealthController],
  providers: [Readiness],
})
export class HealthModule {}
