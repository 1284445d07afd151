export {
  DEPLOY_DIR,
  freePort,
  renderNginxConfig,
  startNginx,
  waitForPort,
} from '../../src/cluster/processes.js';
import type { Service } from '../../src/cluster/processes.js';
export type RunningNginx = Service & { url: string };
