/** The repository's stack files (Pulumi.<stack>.yaml), read without loading the program. */
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import type { RawConfig } from "../../lib/config/config";
import { stackFileToRaw } from "../../lib/config/stackFile";
import { repoRoot } from "./validators";

/** The stacks with a Pulumi.<stack>.yaml in the repository. */
export function stackNames(): string[] {
  return readdirSync(repoRoot).map((f) => /^Pulumi\.([^.]+)\.yaml$/.exec(f)?.[1]).filter((s): s is string => s !== undefined).sort();
}

export function stackFileConfig(stack: string): RawConfig {
  const doc = parse(readFileSync(path.join(repoRoot, `Pulumi.${stack}.yaml`), "utf8")) as { config?: Record<string, unknown> };
  return stackFileToRaw(doc.config ?? {});
}
