/**
 * Declares the real program (index.ts) for a stack under the Pulumi mock engine, with the
 * stack's own config file plus optional overrides. Proves what the program declares only.
 */
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import main from "../../index";
import type { RawConfig } from "../../lib/config/config";
import { declareUnderMocks, stackFileToRaw, type DeclaredResource, type DeclaredStack } from "../../lib/plan/mockEngine";
import { repoRoot } from "./validators";

/** The stacks with a Pulumi.<stack>.yaml in the repository. */
export function stackNames(): string[] {
  return readdirSync(repoRoot).map((f) => /^Pulumi\.([^.]+)\.yaml$/.exec(f)?.[1]).filter((s): s is string => s !== undefined).sort();
}

export function stackFileConfig(stack: string): RawConfig {
  const doc = parse(readFileSync(path.join(repoRoot, `Pulumi.${stack}.yaml`), "utf8")) as { config?: Record<string, unknown> };
  return stackFileToRaw(doc.config ?? {});
}

export async function declareStack(stack: string, overrides: Record<string, unknown> = {}, base?: RawConfig): Promise<DeclaredStack> {
  const raw = { ...(base ?? stackFileConfig(stack)), ...stackFileToRaw(overrides) };
  return declareUnderMocks(main, stack, raw);
}

export function ofType(resources: DeclaredResource[], type: string): DeclaredResource[] {
  return resources.filter((r) => r.type === type);
}

export function one(resources: DeclaredResource[], type: string): DeclaredResource {
  const found = ofType(resources, type);
  if (found.length !== 1) throw new Error(`expected exactly one ${type}, found ${found.length}`);
  return found[0];
}
