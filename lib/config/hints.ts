/**
 * What a newcomer is told to type: the nearest known key for a typo, and config commands in a
 * form that works both with `pulumi config set` and with the offline plan's `--set`. Pure.
 */
import { parse } from "yaml";
import type { RawConfig } from "./types";

/** Edit distance (insertions, deletions, substitutions; case-insensitive). */
export function editDistance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  let prev = Array.from({ length: t.length + 1 }, (_, j) => j);
  for (let i = 1; i <= s.length; i++) {
    const row = [i];
    for (let j = 1; j <= t.length; j++) {
      row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (s[i - 1] === t[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[t.length];
}

/**
 * The known key closest to `input`, when it is close enough to be a typo: at most a third of
 * the longer name's letters differ (at least 2 edits are always allowed). Ties go to the key
 * listed first.
 */
export function nearestKey(input: string, known: readonly string[]): string | undefined {
  let best: { key: string; d: number } | undefined;
  for (const key of known) {
    const d = editDistance(input, key);
    if (best === undefined || d < best.d) best = { key, d };
  }
  if (best === undefined) return undefined;
  const limit = Math.max(2, Math.floor(Math.max(input.length, best.key.length) / 3));
  return best.d <= limit ? best.key : undefined;
}

/** Shell-quotes a word for the hint when it needs it. */
function quote(word: string): string {
  return /^[A-Za-z0-9_./:@%+=-]+$/.test(word) ? word : `'${word.replace(/'/g, "'\\''")}'`;
}

/**
 * The two commands that set `key` to `value` (the first list item when `index` is given): for a
 * real stack and for the offline plan. Both forms are accepted by the plan's `--set`.
 */
export function setHint(key: string, value: string, index?: number): string {
  if (index === undefined) {
    return `pulumi config set ${key} ${quote(value)} (offline plan: npm run plan -- --stack <stack> --set ${quote(`${key}=${value}`)})`;
  }
  const path = `${key}[${index}]`;
  return `pulumi config set --path '${path}' ${quote(value)} (offline plan: npm run plan -- --stack <stack> --set '${path}=${value.replace(/'/g, "'\\''")}')`;
}

export class SetArgumentError extends Error {}

/**
 * Turns the plan's `--set` arguments into raw config as `pulumi config set` would store it:
 * `key=value` sets a plain string; `key[0]=a --set key[1]=b` builds a list (indexes from 0, no
 * gaps); `key=["a","b"]` is a list given whole. Keys without a namespace get `project:`.
 */
export function parseSetArguments(args: readonly string[], project: string): RawConfig {
  const scalars: RawConfig = {};
  const lists = new Map<string, Map<number, string>>();
  for (const arg of args) {
    const eq = arg.indexOf("=");
    if (eq <= 0) throw new SetArgumentError(`--set takes key=value or key[0]=value, not ${JSON.stringify(arg)}`);
    const name = arg.slice(0, eq);
    const value = arg.slice(eq + 1);
    const m = /^([^[\]]+)\[(\d+)\]$/.exec(name);
    const key = (k: string) => (k.includes(":") ? k : `${project}:${k}`);
    if (m) {
      const items = lists.get(key(m[1])) ?? new Map<number, string>();
      items.set(Number(m[2]), value);
      lists.set(key(m[1]), items);
    } else if (/[[\]]/.test(name)) {
      throw new SetArgumentError(`--set ${JSON.stringify(arg)}: a list item is written key[0]=value`);
    } else {
      scalars[key(name)] = value;
    }
  }
  for (const [k, items] of lists) {
    if (k in scalars) throw new SetArgumentError(`--set gives ${k} both as a whole value and as list items; use one form`);
    const indexes = [...items.keys()].sort((a, b) => a - b);
    indexes.forEach((i, n) => {
      if (i !== n) throw new SetArgumentError(`--set ${k}[${n}] is missing: list items are numbered from 0 without gaps`);
    });
    scalars[k] = JSON.stringify(indexes.map((i) => items.get(i)));
  }
  return scalars;
}

/** Stack names that have a `Pulumi.<stack>.yaml` among `files`, sorted. */
export function existingStacks(files: readonly string[]): string[] {
  return files.flatMap((f) => /^Pulumi\.([^.]+)\.yaml$/.exec(f)?.[1] ?? []).sort();
}

/** What to do when the plan is asked for a stack that has no file yet. */
export function missingStackMessage(stack: string, file: string, stacks: readonly string[]): string {
  const known = stacks.length > 0 ? stacks.join(", ") : "none";
  return [
    `plan: no stack file ${file}. Stacks with a file: ${known}.`,
    `To start a stack named ${stack}: copy the closest stage (cp Pulumi.dev.yaml Pulumi.${stack}.yaml) and edit it,`,
    `or run pulumi stack init ${stack} and set its values with pulumi config set; then npm run plan -- --stack ${stack}.`,
  ].join("\n");
}

export class StackFileError extends Error {}

/** A stack file's `config` map; a YAML error names the file and says where it is. */
export function parseStackFile(text: string, file: string): Record<string, unknown> {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (e) {
    throw new StackFileError(`${file} is not valid YAML: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== "object" || Array.isArray(doc)) throw new StackFileError(`${file}: expected a YAML map with a config: section`);
  const config = (doc as { config?: unknown }).config;
  if (config === undefined || config === null) return {};
  if (typeof config !== "object" || Array.isArray(config)) throw new StackFileError(`${file}: config: must be a map of key: value`);
  return config as Record<string, unknown>;
}
