import { z } from 'zod';

/** The dependencies readiness pings, those of the configured profile only. */
export const HEALTH_CHECKS = ['sqlite', 'mongo', 'redis', 'adapter'] as const;
export type HealthCheckName = (typeof HEALTH_CHECKS)[number];

/** Each dependency in use and whether it answered its ping in time. */
export const HealthChecksSchema = z.partialRecord(z.enum(HEALTH_CHECKS), z.enum(['up', 'down']));
export type HealthChecks = z.output<typeof HealthChecksSchema>;
