/**
 * Shared helpers for tests that need an outside validator (a CLI tool such as `cloud-init` or
 * `shellcheck`). On a user's machine a missing tool skips the test and says why; under CI
 * (CI=true) it fails, so a green CI run always means the validator really ran. The JSON schemas
 * the tests validate against are part of the repository (`test/schemas/`), so they never skip.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import type { TestContext } from "node:test";
import Ajv04 from "ajv-draft-04";
import type { ValidateFunction } from "ajv";

/** The repository: the folder with package.json above this file (tests also run transpiled, from build/test/). */
export const repoRoot = ((): string => {
  for (let d = __dirname; ; d = path.dirname(d)) {
    if (existsSync(path.join(d, "package.json"))) return d;
    if (path.dirname(d) === d) throw new Error(`no package.json above ${__dirname}`);
  }
})();

/**
 * The command that runs the TypeScript module `file` (relative to the repository) in a child
 * Node process: its transpiled twin when the tests themselves run transpiled (`npm test`, from
 * .test-build/), else the source through tsx.
 */
export function nodeModuleCommand(file: string): string[] {
  if (__filename.endsWith(".js")) return [path.join(__dirname, "..", "..", file.replace(/\.ts$/, ".js"))];
  return ["--import", "tsx", path.join(repoRoot, file)];
}

const underCi = (): boolean => /^(1|true|yes)$/i.test(process.env.CI ?? "");

/**
 * Returns true when the test may go on; otherwise skips it (outside CI) or throws (under CI).
 */
export function requireValidator(t: TestContext, available: boolean, what: string): boolean {
  if (available) return true;
  if (underCi()) throw new Error(`${what} is required under CI but is missing`);
  t.skip(`${what} is missing: skipped (install it to run this check)`);
  return false;
}

const commands = new Map<string, boolean>();

/** True when `cmd` can be run from PATH (asked once per process: tests call it per case). */
export function hasCommand(cmd: string): boolean {
  let has = commands.get(cmd);
  if (has === undefined) {
    has = spawnSync("sh", ["-c", `command -v ${cmd}`], { encoding: "utf8" }).status === 0;
    commands.set(cmd, has);
  }
  return has;
}

const pythonModules = new Map<string, boolean>();
let pythonPath: string | null | undefined;

/**
 * The interpreter `python3` from PATH runs, found once per process: a version manager's shim
 * (pyenv) costs most of a second a call. Null when there is none.
 */
export function python3(): string | null {
  if (pythonPath === undefined) {
    const r = spawnSync("python3", ["-c", "import sys; print(sys.executable)"], { encoding: "utf8" });
    pythonPath = r.status === 0 && r.stdout.trim() !== "" ? r.stdout.trim() : null;
  }
  return pythonPath;
}

/** True when python3 can import `module` (asked once per process). */
export function pythonHas(module: string): boolean {
  let has = pythonModules.get(module);
  if (has === undefined) {
    const python = python3();
    has = python !== null && spawnSync(python, ["-c", `import ${module}`]).status === 0;
    pythonModules.set(module, has);
  }
  return has;
}

/** Path to a schema kept in the repository under test/schemas (see its README for sources). */
export function schemaPath(relative: string): string {
  const p = path.join(repoRoot, "test", "schemas", relative);
  if (!existsSync(p)) throw new Error(`schema ${path.relative(repoRoot, p)} is missing from the repository`);
  return p;
}

/**
 * Compiles draft-04 JSON schemas with ajv (strict off, all errors), as test/schemas/README.md
 * describes. The first file is the root; the others are added so `$ref`s between them resolve.
 */
export function compileDraft04(files: string[]): ValidateFunction {
  // logger: false: the schemas use formats ajv does not know ("uri"); each would print a warning.
  const ajv = new Ajv04({ strict: false, allErrors: true, logger: false });
  const schemas = files.map((f) => JSON.parse(readFileSync(f, "utf8")) as Record<string, unknown>);
  for (const s of schemas.slice(1)) ajv.addSchema(s);
  return ajv.compile(schemas[0]);
}
