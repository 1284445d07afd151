/** The listening port's variable: read before the rest of the configuration, whose rules load zod. */
export const PORT_VARIABLE = { env: 'PORT', default: 3000, max: 65_535 } as const;

/**
 * The port `PORT` names, or undefined when it is not a whole number in range (`loadConfig` then
 * refuses it, saying why). No zod here: `main.ts` listens on it before anything heavy is loaded.
 */
export function portFrom(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const raw = env[PORT_VARIABLE.env];
  if (raw === undefined || raw === '') return PORT_VARIABLE.default;
  if (!/^\d+$/.test(raw)) return undefined;
  const port = Number(raw);
  return port <= PORT_VARIABLE.max ? port : undefined;
}
