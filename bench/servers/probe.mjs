/**
 * Preloaded into every server under test (`node --expose-gc --import bench/servers/probe.mjs
 * <entry>`), so the harness can read server-side figures without a line of the server changing.
 * It answers IPC requests `{id, type}` with `{id, result}` or `{id, error}` (the format of
 * bench/ipc.ts; this file is plain JavaScript so that servers run without a TypeScript loader,
 * which would add its own start-up time and memory to what is measured).
 *
 *   cpu        process CPU time in ms, all threads (libuv's file I/O pool and GC threads included)
 *   heap       heapUsed and rss in bytes, after forced full GCs
 *   alloc      bytes allocated on the JS heap since the probe loaded
 *   sockets    open TCP sockets (accepted connections and the server's own clients)
 *   listening  when the first net.Server started listening, in ms since the Unix epoch
 */
import { subscribe } from 'node:diagnostics_channel';
import { performance } from 'node:perf_hooks';
import { GCProfiler, getHeapStatistics } from 'node:v8';

const epochMs = () => performance.timeOrigin + performance.now();

let listeningAt = null;
// Node's TracingChannel for net.Server#listen (added in 2024, present on the Node 20 and 22+ lines
// this project supports): observed, nothing patched. Without it the answer stays null.
subscribe('tracing:net.server.listen:asyncEnd', () => {
  listeningAt ??= epochMs();
});

// Allocation = what each GC found in use before it ran minus what the previous one left behind,
// plus what has accrued since the last one. GCProfiler reports every GC's heap before and after.
const profiler = new GCProfiler();
profiler.start();
let allocatedUntilLastGc = 0;
let usedAfterLastGc = getHeapStatistics().used_heap_size;

/** Folds the GCs recorded so far into the running total, and frees their records. */
function drainProfiler() {
  const { statistics } = profiler.stop();
  profiler.start();
  for (const gc of statistics) {
    allocatedUntilLastGc += gc.beforeGC.heapStatistics.usedHeapSize - usedAfterLastGc;
    usedAfterLastGc = gc.afterGC.heapStatistics.usedHeapSize;
  }
}

function allocatedBytes() {
  drainProfiler();
  return allocatedUntilLastGc + (getHeapStatistics().used_heap_size - usedAfterLastGc);
}

async function heapAfterGc() {
  if (typeof globalThis.gc !== 'function') throw new Error('start the server with --expose-gc');
  // The profiler keeps a record per GC until drained: they must not count as the server's heap.
  drainProfiler();
  // Several passes, each after a turn of the loop, so weak callbacks and finalizers that free
  // more memory get to run in between.
  for (let i = 0; i < 3; i++) {
    globalThis.gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
  const { heapUsed, rss } = process.memoryUsage();
  return { heapUsed, rss };
}

const handlers = {
  cpu: () => {
    const { user, system } = process.cpuUsage();
    return (user + system) / 1000;
  },
  heap: heapAfterGc,
  alloc: allocatedBytes,
  sockets: () => process.getActiveResourcesInfo().filter((name) => name === 'TCPSocketWrap').length,
  listening: () => listeningAt,
};

if (process.send) {
  process.on('message', (message) => {
    const handler = handlers[message?.type];
    Promise.resolve()
      .then(() => {
        if (!handler) throw new Error(`unknown probe request ${JSON.stringify(message?.type)}`);
        return handler();
      })
      .then(
        (result) => process.send({ id: message.id, result }),
        (error) => process.send({ id: message.id, error: String(error?.message ?? error) }),
      );
  });
  // The channel must not keep a server alive that would otherwise exit.
  process.channel.unref();
}
