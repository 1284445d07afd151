/**
 * PORT and HOST: the two settings the process needs before it loads anything else (`main.ts`
 * listens first, even before the configuration's schema library). `loadConfig` validates them
 * with every other variable, by these same rules.
 */
export const DEFAULT_PORT = 3000;
export const PORT_MAX = 65_535;
export const HOST_PATTERN = /^[\w.:-]{1,253}$/;

export interface ListenAddress {
  port: number;
  /** Unset: every interface. */
  host?: string;
}

/** The address PORT and HOST name, or undefined when either is not valid (`loadConfig` says why). */
export function listenAddress(env: NodeJS.ProcessEnv): ListenAddress | undefined {
  // Blank counts as unset, as in `loadConfig`.
  const port = env.PORT || undefined;
  const host = env.HOST || undefined;
  if (port !== undefined && !(/^\d+$/.test(port) && Number(port) <= PORT_MAX)) return undefined;
  if (host !== undefined && !HOST_PATTERN.test(host)) return undefined;
  return { port: port === undefined ? DEFAULT_PORT : Number(port), host };
}
