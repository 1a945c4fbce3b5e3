/**
 * The worker thread in which test/helpers/stacks.ts declares stacks. Node's test runner installs
 * an async hook in its own thread that tracks every promise (to blame an asynchronous error on
 * the test that caused it); the Pulumi SDK makes tens of thousands of promises per declaration,
 * which made each one about 2.5 times slower there. A worker thread has no such hook. It runs
 * the same program (index.ts) under the same mock engine, and sends back the declared stack.
 */
import Module from "node:module";
import { isMainThread, parentPort } from "node:worker_threads";
import main from "../../index";
import type { RawConfig } from "../../lib/config/config";
import { declareUnderMocks, type DeclareOptions } from "../../lib/plan/mockEngine";

// A worker thread cannot load `trace_events`; the SDK's closure serializer (which serializes
// each dynamic provider) requires every module of this list when it first runs, so the worker
// leaves that one out.
if (!isMainThread) Object.defineProperty(Module, "builtinModules", { value: Module.builtinModules.filter((name) => name !== "trace_events") });

/** A resource's mock state replaced in part (e.g. a renewed certificate), as data a worker can receive. */
export interface StateOverride {
  type: string;
  name: string;
  state: Record<string, unknown>;
}

export interface DeclareRequest {
  id: number;
  stack: string;
  raw: RawConfig;
  previousOutputs?: Record<string, unknown>;
  stateOverrides?: StateOverride[];
}

/** The mock engine's stateOverride function for a list of overrides. */
export function overrideFunction(overrides: StateOverride[] | undefined): DeclareOptions["stateOverride"] {
  if (overrides === undefined || overrides.length === 0) return undefined;
  return (type, name) => overrides.find((o) => o.type === type && o.name === name)?.state;
}

/** The declared stack, the program's error as text, or (sent by stacks.ts itself) the worker's end. */
export type DeclareReply = { id: number; stack: unknown } | { id: number; failed: string } | { id: number; crashed: string };

// No stack traces in the worker. The SDK records one for every promise it makes, only to print
// should a promise leak when the process exits (debuggable.js), and formatting them was about a
// quarter of the worker's time. Nothing the mock engine records depends on them; a shared
// declaration that fails here is made again in the test's thread (stacks.ts), so the test gets
// the program's own error, stack and all.
if (!isMainThread) Error.stackTraceLimit = 0;

// stacks.ts imports this module for its types and overrideFunction; it serves requests only as a worker.
const port = isMainThread ? null : parentPort;
// One declaration at a time: the SDK's mock engine is global state.
let queue: Promise<void> = Promise.resolve();
port?.on("message", (request: DeclareRequest) => {
  queue = queue.then(async () => {
    try {
      const options = { previousOutputs: request.previousOutputs, stateOverride: overrideFunction(request.stateOverrides) };
      const stack = await declareUnderMocks(main, request.stack, request.raw, options);
      port.postMessage({ id: request.id, stack } satisfies DeclareReply);
    } catch (e) {
      port.postMessage({ id: request.id, failed: String(e) } satisfies DeclareReply);
    }
  });
});
