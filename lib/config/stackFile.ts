import { PROJECT, type RawConfig } from "./config";

/** Turns a stack file's config (namespaced keys, YAML values) into the strings Pulumi passes. */
export function stackFileToRaw(config: Record<string, unknown>): RawConfig {
  const raw: RawConfig = {};
  for (const [k, v] of Object.entries(config)) {
    const key = k.includes(":") ? k : `${PROJECT}:${k}`;
    raw[key] = typeof v === "string" ? v : JSON.stringify(v);
  }
  return raw;
}
