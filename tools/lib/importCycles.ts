/**
 * The project's import graph and its cycles. Type-only imports count too: a circle of types still
 * means two modules cannot be understood, moved or tested apart. Pure apart from reading files.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import * as path from "node:path";

/** Relative module specifiers of every import, export-from and require in a TypeScript source. */
export function relativeImports(source: string): string[] {
  const specs: string[] = [];
  const pattern = /(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\(\s*)["'](\.{1,2}\/[^"']*)["']/g;
  for (const m of source.matchAll(pattern)) specs.push(m[1]);
  return specs;
}

/** Every `.ts` file under `dirs` (relative to `root`), skipping node_modules and build output. */
export function sourceFiles(root: string, dirs: string[]): string[] {
  const files: string[] = [];
  const walk = (rel: string): void => {
    const abs = path.join(root, rel);
    if (!existsSync(abs)) return;
    if (statSync(abs).isFile()) {
      if (rel.endsWith(".ts") && !rel.endsWith(".d.ts")) files.push(rel);
      return;
    }
    for (const name of readdirSync(abs).sort()) {
      if (name === "node_modules" || name === "build" || name === "out") continue;
      walk(path.join(rel, name));
    }
  };
  for (const d of dirs) walk(d);
  return files;
}

/** The graph: each file (relative to root) to the project files it imports. */
export function importGraph(root: string, files: string[]): Map<string, string[]> {
  const known = new Set(files);
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const targets: string[] = [];
    for (const spec of relativeImports(readFileSync(path.join(root, file), "utf8"))) {
      const base = path.normalize(path.join(path.dirname(file), spec)).replace(/\.(ts|js)$/, "");
      const hit = [`${base}.ts`, path.join(base, "index.ts")].find((c) => known.has(c));
      if (hit !== undefined && !targets.includes(hit)) targets.push(hit);
    }
    graph.set(file, targets);
  }
  return graph;
}

/** Strongly connected components of more than one file, or a file importing itself (Tarjan). */
export function findCycles(graph: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next);
    next++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) cycles.push(component.sort());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v);
  return cycles;
}
