import { defineConfig } from 'vitest/config';

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
          name: 'suite',
          include: ['src/**/*.spec.ts', 'test/**/*.spec.ts', 'test/**/*.e2e-spec.ts'],
          exclude: ['test/fuzz/**'],
        },
      },
      {
        // The fuzz test holds a bystander's acks to a latency bound: it runs alone, after the rest.
        extends: true,
        test: { name: 'fuzz', include: ['test/fuzz/**/*.e2e-spec.ts'], sequence: { groupOrder: 1 } },
      },
    ],
  },
});
