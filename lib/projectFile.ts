/**
 * Renders Pulumi.yaml from CONFIG_SPEC, so the declared config (type, default, description)
 * cannot drift from what the program validates. `npm run gen:project` rewrites the file; a test
 * fails when the two differ.
 */
import { stringify } from "yaml";
import { CONFIG_SPEC, PROJECT, type KeySpec } from "./config";

function declaration(spec: KeySpec): Record<string, unknown> {
  const d: Record<string, unknown> = { type: spec.type };
  if (spec.type === "array") d.items = { type: "string" };
  d.default = spec.default;
  d.description = spec.description;
  return d;
}

export function renderProjectFile(): string {
  const doc = {
    name: PROJECT,
    description: "A secured Azure IoT Edge environment with Defender for IoT, one stack per stage",
    runtime: { name: "nodejs", options: { typescript: true } },
    config: Object.fromEntries(Object.entries(CONFIG_SPEC).map(([k, v]) => [k, declaration(v)])),
  };
  return `# Generated from lib/config.ts by \`npm run gen:project\`; edit CONFIG_SPEC there, not this file.\n${stringify(doc, { lineWidth: 0 })}`;
}
