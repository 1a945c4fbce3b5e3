// Transpiles TypeScript folders to JavaScript with esbuild (no type checking: `tsc` does that),
// keeping the layout: <root>/lib/x.ts becomes <out>/lib/x.js. Used by `npm run build` (the plan
// and the benchmark start in plain Node) and by `npm test` (the tests run without a loader).
import { build } from "esbuild";
import { cpSync, existsSync, readdirSync, rmSync, statSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

export const root = join(dirname(fileURLToPath(import.meta.url)), "..");

/** Files the code reads at run time next to its own modules. */
const RUNTIME_FILES = [join("lib", "edge", "provision.sh")];
const SKIPPED_FOLDERS = new Set(["node_modules", "schemas", "__snapshots__"]);

function sources(dir) {
  return readdirSync(join(root, dir)).sort().flatMap((name) => {
    const rel = join(dir, name);
    if (statSync(join(root, rel)).isDirectory()) return SKIPPED_FOLDERS.has(name) ? [] : sources(rel);
    return name.endsWith(".ts") && !name.endsWith(".d.ts") ? [join(root, rel)] : [];
  });
}

/** Empties `out` and transpiles `folders` (and index.ts) into it. */
export async function transpile(out, folders) {
  rmSync(out, { recursive: true, force: true });
  const entryPoints = [...folders.flatMap(sources), join(root, "index.ts")];
  await build({ entryPoints, outdir: out, outbase: root, platform: "node", format: "cjs", target: "node22", logLevel: "warning" });
  for (const file of RUNTIME_FILES) if (existsSync(join(root, file))) cpSync(join(root, file), join(out, file));
}

// As a command: node tools/transpile.mjs <out> <folder>... (Stryker's build step, in its sandbox).
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [out, ...folders] = process.argv.slice(2);
  await transpile(join(process.cwd(), out), folders);
}
