// Container health probe: `node healthcheck.mjs [path]` exits 0 when GET <path> on this container's
// own port answers 2xx, 1 otherwise. Node itself is the client because the slim image has no curl,
// and the probe must end by itself: a server that accepts and never answers counts as unhealthy.
const path = process.argv[2] ?? '/health/live';
const port = process.env.PORT ?? '3000';
const timeoutMs = Number(process.env.HEALTHCHECK_TIMEOUT_MS ?? 3000);
const url = `http://127.0.0.1:${port}${path}`;

try {
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  // Docker keeps the probe's output in `docker inspect`: the status says why it failed.
  console.log(`${url} ${res.status}`);
  await res.body?.cancel();
  process.exit(res.ok ? 0 : 1);
} catch (error) {
  console.log(`${url} ${error instanceof Error ? (error.cause?.code ?? error.name) : 'failed'}`);
  process.exit(1);
}
