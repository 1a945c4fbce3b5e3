// Transpiles the program and its tools to build/ (no type checking: `npm run typecheck` does
// that) so `npm run plan` and `npm run bench` start in plain Node, without a TypeScript loader.
import { build } from "esbuild";
import { cpSync, readdirSync, rmSync, statSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "build");
const sources = [];
const walk = (dir) => {
  for (const name of readdirSync(join(root, dir))) {
    const rel = join(dir, name);
    if (statSync(join(root, rel)).isDirectory()) walk(rel);
    else if (name.endsWith(".ts") && !name.endsWith(".d.ts")) sources.push(join(root, rel));
  }
};
for (const dir of ["components", "lib", "tools"]) walk(dir);
sources.push(join(root, "index.ts"));

rmSync(out, { recursive: true, force: true });
await build({ entryPoints: sources, outdir: out, outbase: root, platform: "node", format: "cjs", target: "node22", logLevel: "warning" });
// Files the code reads at run time next to its own modules.
cpSync(join(root, "lib", "edge", "provision.sh"), join(out, "lib", "edge", "provision.sh"));
