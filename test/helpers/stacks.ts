/**
 * Declares the real program (index.ts) for a stack under the Pulumi mock engine, with the
 * stack's own config file plus optional overrides. Proves what the program declares only.
 */
import main from "../../index";
import type { RawConfig } from "../../lib/config/config";
import { declareUnderMocks, stackFileToRaw, type DeclareOptions, type DeclaredResource, type DeclaredStack } from "../../lib/plan/mockEngine";
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
  return declareUnderMocks(main, stack, { ...stackFileConfig(stack), ...stackFileToRaw(overrides) });
}

const declared = new Map<string, Promise<DeclaredStack>>();

/**
 * `declareUnderMocks(main, stack, raw, { previousOutputs })`, made once per process for each
 * distinct input and shared (deeply frozen). Options that cannot be compared (a state override, a
 * sink) are not accepted here: call declareUnderMocks for those.
 */
export function declareShared(stack: string, raw: RawConfig, options: Pick<DeclareOptions, "previousOutputs"> = {}): Promise<DeclaredStack> {
  const key = JSON.stringify([stack, Object.entries(raw).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)), options.previousOutputs ?? null]);
  let result = declared.get(key);
  if (result === undefined) {
    result = declareUnderMocks(main, stack, raw, { previousOutputs: options.previousOutputs }).then(deepFreeze);
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
