/** Reads the stack's Pulumi config and validates it before any resource is declared. */
import * as pulumi from "@pulumi/pulumi";
import { formatErrors, validateConfig, type RawConfig, type StackConfig } from "./config";
import { todayUtc } from "./agentModes";

export function loadConfig(): StackConfig {
  const raw: RawConfig = { ...pulumi.runtime.allConfig() };
  // UTC, as `npm run expired` reads expiresOn; used for warnings only.
  const result = validateConfig(raw, pulumi.getStack(), { today: todayUtc() });
  for (const w of result.warnings) void pulumi.log.warn(w);
  if (!result.ok) throw new pulumi.RunError(formatErrors(result.errors));
  return result.config;
}
