import { inject } from 'vitest';
import { relative } from 'node:path';
import { logObservation, logObservationsTo, takeViolations } from '../helpers/contract.js';

/**
 * Runs before every test file: observations go to this run's log, each file that runs is noted
 * (the coverage check only judges whole runs), and a test during which the server sent anything
 * its specifications do not allow fails, with what was wrong.
 */
logObservationsTo(inject('contractLogDir'));
logObservation({ file: relative(process.cwd(), expect.getState().testPath ?? '') });

afterEach(() => {
  const found = takeViolations();
  if (found.length > 0) throw new Error(`the server broke its published contract:\n${found.join('\n')}`);
});

afterAll(() => {
  // Files share their worker's modules (vitest.config.ts): a spy on a shared prototype ends here.
  vi.restoreAllMocks();
  const late = takeViolations();
  if (late.length > 0)
    throw new Error(`after the last test, the server broke its published contract:\n${late.join('\n')}`);
});
