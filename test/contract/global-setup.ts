import { mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Where the workers of this run log what the contract observer saw. */
    contractLogDir: string;
  }
}

/**
 * One log directory per `vitest` run, shared by every project of it (the coverage check runs in a
 * later group and reads what the e2e suite wrote): named after the main process, created by the
 * first project to start and removed when the run ends.
 */
export default function setup(project: TestProject) {
  const dir = join(tmpdir(), `tether-contract-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  project.provide('contractLogDir', dir);
  return () => rmSync(dir, { recursive: true, force: true });
}
