import { config } from 'zod';

// zod compiles object parsers with `new Function` when it may, and probes for that when each schema
// is built: under our CSP (no 'unsafe-eval') the probe fails quietly but is still reported as a
// violation. Imported first, before the protocol's schemas exist.
config({ jitless: true });
