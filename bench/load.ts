import autocannon from 'autocannon';

/**
 * The load generator, run as its own process (pinned to one core by the caller):
 *   node --import tsx bench/load.ts '<json: { url, paths, connections, duration }>'
 * Cycles every connection through `paths` with gzip accepted; prints one JSON result.
 */
const o = JSON.parse(process.argv[2]!) as { url: string; paths: string[]; connections: number; duration: number };
const result = await autocannon({
  url: o.url,
  connections: o.connections,
  duration: o.duration,
  requests: o.paths.map((path) => ({ method: 'GET' as const, path, headers: { 'accept-encoding': 'gzip' } })),
});
process.stdout.write(
  JSON.stringify({
    rps: result.requests.average,
    total: result.requests.total,
    latencyP50: result.latency.p50,
    latencyP99: result.latency.p99,
    statusCodes: result.statusCodeStats,
    errors: result.errors,
    timeouts: result.timeouts,
  }),
);
