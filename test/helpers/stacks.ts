/**
 * Declares the real program (index.ts) for a stack under the Pulumi mock engine, with the
 * stack's own config file plus optional overrides. Proves what the program declares only.
 */
import { extname, join } from "node:path";
import { Worker } from "node:worker_threads";
import main from "../../index";
import type { RawConfig } from "../../lib/config/config";
import { declareUnderMocks, stackFileToRaw, type DeclareOptions, type DeclaredResource, type DeclaredStack } from "../../lib/plan/mockEngine";
import { overrideFunction, type DeclareReply, type DeclareRequest, type StateOverride } from "./declareWorker";
import { stackFileConfig } from "./stackFiles";

export { stackFileConfig, stackNames } from "./stackFiles";

/**
 * Declares `stack` with its stack file's config (or `base`) plus `overrides`. The same config
 * declares byte-identical inputs every time (a test in test/stack/foundation.test.ts proves it
 * with `declareStackFresh`), so a declaration is made once per process and shared: the test
 * files that declare stacks run in one process (tools/test.mjs). The result is deeply frozen, so
 * a test that modifies it fails instead of changing what other tests see.
 */
export function declareStack(stack: string, overrides: Record<string, unknown> = {}, base?: RawConfig): Promise<DeclaredStack> {
  return declareShared(stack, { ...(base ?? stackFileConfig(stack)), ...stackFileToRaw(overrides) });
}

/** Declares anew, bypassing the shared declarations (for the test that two runs are identical). */
export function declareStackFresh(stack: string, overrides: Record<string, unknown> = {}): Promise<DeclaredStack> {
  return declareInWorker(stack, { ...stackFileConfig(stack), ...stackFileToRaw(overrides) }, {}, { rerunFailure: false });
}

/**
 * Declarations run in a worker thread (./declareWorker.ts says why): the same program under the
 * same mock engine, the result copied back. A shared declaration that fails there (a config error
 * a test expects) is made again here, so the caller gets the program's own error object, not a
 * copy of its text; a fresh one rejects with that text, so a result from it always comes from the
 * worker. A worker that stops rejects every pending declaration.
 */
let worker: Worker | undefined;
let nextId = 0;
const pending = new Map<number, (reply: DeclareReply) => void>();

function startWorker(): Worker {
  // declareWorker.js when transpiled (npm test), declareWorker.ts under a TypeScript loader, which the worker inherits.
  const started = new Worker(join(__dirname, `declareWorker${extname(__filename)}`));
  started.on("message", (reply: DeclareReply) => {
    pending.get(reply.id)?.(reply);
    pending.delete(reply.id);
    if (pending.size === 0) started.unref();
  });
  started.on("error", (e) => {
    for (const settle of pending.values()) settle({ id: -1, crashed: String(e) });
    pending.clear();
    worker = undefined;
  });
  // Unreferenced while idle, so it never keeps the process alive on its own.
  started.unref();
  return started;
}

/**
 * Set by `npm run mutate` (tools/mutate.mjs): Stryker records which tests reach each mutant in the
 * test's own thread only, so there every declaration is made in that thread.
 */
const IN_THREAD = process.env.DECLARE_STACKS_IN_THREAD === "1";

/** True when declarations are made in the worker thread (the default). */
export function declaresInWorker(): boolean {
  return !IN_THREAD;
}

// Started when this module loads, so the worker loads the SDK and the program while the tests
// before the first declaration run.
if (!IN_THREAD) worker = startWorker();

interface WorkerOptions {
  previousOutputs?: Record<string, unknown>;
  stateOverrides?: StateOverride[];
}

async function declareInWorker(stack: string, raw: RawConfig, options: WorkerOptions, { rerunFailure }: { rerunFailure: boolean }): Promise<DeclaredStack> {
  const { previousOutputs, stateOverrides } = options;
  const inThisThread = () => declareUnderMocks(main, stack, raw, { previousOutputs, stateOverride: overrideFunction(stateOverrides) });
  if (IN_THREAD) return inThisThread();
  worker ??= startWorker();
  const id = nextId++;
  const request: DeclareRequest = { id, stack, raw, previousOutputs, stateOverrides };
  const reply = new Promise<DeclareReply>((resolve) => pending.set(id, resolve));
  // Referenced while a declaration is pending, so the process waits for it.
  worker.ref();
  worker.postMessage(request);
  const r = await reply;
  if ("stack" in r) return r.stack as DeclaredStack;
  if ("crashed" in r) throw new Error(`the declaration worker stopped: ${r.crashed}`);
  if (!rerunFailure) throw new Error(r.failed);
  return inThisThread();
}

const declared = new Map<string, Promise<DeclaredStack>>();

/**
 * `declareUnderMocks(main, stack, raw, { previousOutputs, stateOverride })`, made once per process
 * for each distinct input and shared (deeply frozen); state overrides are given as data. A sink
 * cannot be shared: call declareUnderMocks for that.
 */
export function declareShared(stack: string, raw: RawConfig, options: Pick<DeclareOptions, "previousOutputs"> & { stateOverrides?: StateOverride[] } = {}): Promise<DeclaredStack> {
  const key = JSON.stringify([stack, Object.entries(raw).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)), options.previousOutputs ?? null, options.stateOverrides ?? []]);
  let result = declared.get(key);
  if (result === undefined) {
    result = declareInWorker(stack, raw, options, { rerunFailure: true }).then(deepFreeze);
    // A failed declaration (a config error a test expects) is not kept: each caller sees it anew.
    result.catch(() => declared.delete(key));
    declared.set(key, result);
  }
  return result;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

export function ofType(resources: DeclaredResource[], type: string): DeclaredResource[] {
  return resources.filter((r) => r.type === type);
}

export function one(resources: DeclaredResource[], type: string): DeclaredResource {
  const found = ofType(resources, type);
  if (found.length !== 1) throw new Error(`expected exactly one ${type}, found ${found.length}`);
  return found[0];
}
