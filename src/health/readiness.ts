import { Inject, Injectable, Optional } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import type { HealthChecks } from '../protocol/health.js';
import { CONNECTIONS, type Connections } from '../storage/connections.js';
import { dependencyChecks, type DependencyCheck } from '../storage/dependency-checks.js';
import { SQLITE, type Sqlite } from '../storage/sqlite.js';

/** A dependency that has not answered in this long is down, whatever it answers later. */
export const PING_TIMEOUT_MS = 1_000;

/**
 * How long one round of pings answers every probe. The endpoint needs no credential: without this,
 * anyone could turn a flood of probes into a flood of database round trips.
 */
const FRESH_FOR_MS = 1_000;

/** Whether every dependency in use answers now, each pinged with a short timeout. */
@Injectable()
export class Readiness {
  private readonly checks: DependencyCheck[];
  private last?: { at: number; checks: Promise<HealthChecks> };

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(CONNECTIONS) connections: Connections,
    @Optional() @Inject(SQLITE) sqlite?: Sqlite,
  ) {
    this.checks = dependencyChecks(config, connections, sqlite);
  }

  /** Each check's state; a round still running or under a second old is shared. */
  run(now = Date.now()): Promise<HealthChecks> {
    if (!this.last || now - this.last.at >= FRESH_FOR_MS) {
      this.last = { at: now, checks: this.pingAll() };
    }
    return this.last.checks;
  }

  private async pingAll(): Promise<HealthChecks> {
    const states = await Promise.all(this.checks.map((check) => answersInTime(check)));
    return Object.fromEntries(this.checks.map((check, i) => [check.name, states[i] ? 'up' : 'down']));
  }
}

async function answersInTime(check: DependencyCheck): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), PING_TIMEOUT_MS).unref();
  });
  try {
    return await Promise.race([check.ping().then(() => true), timeout]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
