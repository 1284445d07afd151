import { performance } from 'node:perf_hooks';

/**
 * Wall-clock ms since the Unix epoch with sub-ms resolution. Harness, client workers and servers
 * are separate processes on one machine: this is the clock they can compare.
 */
export const epochMs = (): number => performance.timeOrigin + performance.now();
