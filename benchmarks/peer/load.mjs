// The load client of benchmarks/peer.py: autocannon POSTs GraphQL request bodies to a URL,
// cycling through the bodies so that each request asks for another id, and prints one JSON
// line: latency p50/p95 (ms, nearest rank over every 2xx answer's own time, not autocannon's
// whole-millisecond histogram), answered requests per second, non-2xx answers and errors.
//
//   node load.mjs --url http://127.0.0.1:4100/ --bodies bodies.json --connections 8 \
//                 --seconds 20 [--amount 500] [--header "authorization: Bearer ..."]
//
// A 200 answer that carries GraphQL errors is counted as an error, not as an answer: every
// body is searched for the "errors" key (a plain substring test, cheap enough to run on all
// of them, so the client does not steal the CPU the servers share with it).
import autocannon from "autocannon";
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";

const { values: args } = parseArgs({
  options: {
    url: { type: "string" },
    bodies: { type: "string" },
    connections: { type: "string", default: "1" },
    seconds: { type: "string", default: "10" },
    amount: { type: "string" },
    header: { type: "string", multiple: true, default: [] },
  },
});
if (!args.url || !args.bodies) {
  console.error("usage: node load.mjs --url URL --bodies FILE [--connections N] " +
                "[--seconds S | --amount N] [--header 'name: value']");
  process.exit(2);
}

const bodies = JSON.parse(readFileSync(args.bodies, "utf8")).map((b) => JSON.stringify(b));
if (bodies.length === 0) {
  console.error("load.mjs: no request bodies");
  process.exit(2);
}
const headers = { "content-type": "application/json" };
for (const line of args.header) {
  const at = line.indexOf(":");
  headers[line.slice(0, at).trim().toLowerCase()] = line.slice(at + 1).trim();
}

let next = 0;
let graphqlErrors = 0;
let firstError = null;
const options = {
  url: args.url,
  connections: Number(args.connections),
  pipelining: 1,
  timeout: 60,
  requests: [{
    method: "POST",
    headers,
    setupRequest: (request) => ({ ...request, body: bodies[next++ % bodies.length] }),
    onResponse: (status, body) => {
      if (status === 200 && body.includes('"errors"')) {
        graphqlErrors += 1;
        firstError ??= body.slice(0, 500);
      }
    },
  }],
};
if (args.amount) options.amount = Number(args.amount);
else options.duration = Number(args.seconds);

const times = [];
const run = autocannon(options);
run.on("response", (client, status, bytes, milliseconds) => {
  if (status >= 200 && status < 300) times.push(milliseconds);
});
const result = await run;
times.sort((a, b) => a - b);
const quantile = (share) =>
  times.length ? times[Math.min(times.length - 1, Math.round(share * (times.length - 1)))] : null;
const total = result.requests.total;
const answered = total - result.non2xx - graphqlErrors;
console.log(JSON.stringify({
  connections: options.connections,
  requests: total,
  answered,
  seconds: result.duration,
  p50_ms: quantile(0.5),
  p95_ms: quantile(0.95),
  req_per_s: answered / result.duration,
  non2xx: result.non2xx,
  errors: result.errors + result.timeouts,
  graphql_errors: graphqlErrors,
  first_error: firstError,
}));
