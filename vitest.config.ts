import { defineConfig } from 'vitest/config';

const GLOBAL_SETUP = ['test/contract/global-setup.ts'];

export default defineConfig({
  test: {
    globals: true,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Each file starts its own servers; two cores do not gain from more than two at once.
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: {
          name: 'server',
          include: ['src/**/*.spec.ts', 'test/**/*.spec.ts', 'test/**/*.e2e-spec.ts'],
          exclude: ['test/fuzz/**'],
          // Every response and socket packet a test app sends is checked against the specifications.
          setupFiles: ['test/contract/observe.setup.ts'],
          // Files share their worker's module cache instead of importing Nest, the drivers and the
          // specifications' validators again each (about 2 s a file, a third of the suite's time).
          // They share no state through it: every file starts its own apps, and the setup file
          // restores spies after each file.
          isolate: false,
          globalSetup: GLOBAL_SETUP,
        },
      },
      'packages/client',
      {
        // The fuzz test holds a bystander's acks to a latency bound: it runs alone, after the rest.
        extends: true,
        test: { name: 'fuzz', include: ['test/fuzz/**/*.e2e-spec.ts'], sequence: { groupOrder: 1 } },
      },
      {
        extends: true,
        test: {
          name: 'contract-coverage',
          include: ['test/contract/coverage.check.ts'],
          globalSetup: GLOBAL_SETUP,
          // After every other project: it reads what their tests observed.
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
});
