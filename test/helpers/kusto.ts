/**
 * Microsoft's Kusto parser and semantic analyser (`@kusto/language-service-next`, a devDependency)
 * with the tables of test/fixtures/kusto-tables.json declared in a database: compile a query and
 * get its diagnostics, as the Log Analytics editor would, without a workspace.
 */
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { repoRoot } from "./validators";

export interface TableSchema {
  source: string;
  columns: Record<string, string>;
}

export interface KqlDiagnostic {
  severity: string;
  code: string;
  message: string;
  start: number;
}

export const TABLES_FILE = path.join(repoRoot, "test", "fixtures", "kusto-tables.json");

export function tableSchemas(): Record<string, TableSchema> {
  return (JSON.parse(readFileSync(TABLES_FILE, "utf8")) as { tables: Record<string, TableSchema> }).tables;
}

/* The bridge is a generated .NET-to-JavaScript port: its objects are typed only by its own .d.ts. */
interface KustoList<T> { Count: number; getItem(i: number): T }
interface KustoLanguage {
  Symbols: {
    TableSymbol: { $ctor7: new (name: string, schema: string, description: string) => unknown };
    DatabaseSymbol: { ctor: new (name: string, members: unknown[]) => unknown };
  };
  GlobalState: { Default: { WithDatabase(db: unknown): unknown } };
  KustoCode: { ParseAndAnalyze(text: string, globals: unknown): { GetDiagnostics(): KustoList<{ Severity: string; Code: string; Message: string; Start: number }> } };
}

let language: KustoLanguage | undefined;

/** Loads the analyser once; throws when the package is missing. */
export function kustoLanguage(): KustoLanguage {
  if (language === undefined) {
    const require = createRequire(path.join(repoRoot, "package.json"));
    require("@kusto/language-service-next/bridge.min.js");
    require("@kusto/language-service-next/Kusto.Language.Bridge.min.js");
    language = (globalThis as unknown as { Kusto: { Language: KustoLanguage } }).Kusto.Language;
  }
  return language;
}

export function kustoAvailable(): boolean {
  try {
    kustoLanguage();
    return true;
  } catch {
    return false;
  }
}

/** Every diagnostic (errors and warnings) of `query` against the given tables. */
export function kqlDiagnostics(query: string, tables: Record<string, TableSchema> = tableSchemas()): KqlDiagnostic[] {
  const K = kustoLanguage();
  const symbols = Object.entries(tables).map(([name, t]) => {
    const schema = `(${Object.entries(t.columns).map(([c, type]) => `['${c}']:${type}`).join(", ")})`;
    return new K.Symbols.TableSymbol.$ctor7(name, schema, t.source);
  });
  const globals = K.GlobalState.Default.WithDatabase(new K.Symbols.DatabaseSymbol.ctor("workspace", symbols));
  const list = K.KustoCode.ParseAndAnalyze(query, globals).GetDiagnostics();
  const result: KqlDiagnostic[] = [];
  for (let i = 0; i < list.Count; i++) {
    const d = list.getItem(i);
    result.push({ severity: String(d.Severity), code: d.Code, message: d.Message, start: d.Start });
  }
  return result;
}
