/**
 * edgeHub routes: `FROM <source> [WHERE <condition>] INTO <sink>` (keywords case-insensitive).
 * The SchemaStore manifest schemas accept any text as a route, and edgeHub rejects a bad one only
 * on the device; this module parses and checks routes before they are deployed, and renders them
 * from parts so most routes are never typed by hand.
 */

/** Where messages come from. */
export type RouteSource =
  /** `/*`: everything, including twin change notifications. */
  | { readonly kind: "all" }
  /** `/messages/*`: all device and module messages. */
  | { readonly kind: "allMessages" }
  /** `/messages/modules/<module>/*`, or `/messages/modules/<module>/outputs/<output|*>`. */
  | { readonly kind: "module"; readonly module: string; readonly output?: string }
  /** `/twinChangeNotifications`. */
  | { readonly kind: "twinChangeNotifications" };

/** Where messages go: IoT Hub, or a module's input. */
export type RouteSink =
  | { readonly kind: "upstream" }
  | { readonly kind: "module"; readonly module: string; readonly input: string };

export interface ParsedRoute {
  readonly source: RouteSource;
  readonly condition?: string;
  readonly sink: RouteSink;
}

/** One route as edgeHub schema 1.1 takes it: a string, or an object with priority and TTL. */
export type RouteEntry = string | { readonly route: string; readonly priority?: number; readonly timeToLiveSecs?: number };

export class RouteError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RouteError";
  }
}

// IoT Edge module names as the deployment schema allows them.
const MODULE_NAME = /^[A-Za-z0-9_-]+$/;
// Output and input names: a path segment without quotes, wildcards or whitespace.
const ENDPOINT_NAME = /^[^/\s"*]+$/;

function describeSource(s: RouteSource): string {
  switch (s.kind) {
    case "all":
      return "/*";
    case "allMessages":
      return "/messages/*";
    case "twinChangeNotifications":
      return "/twinChangeNotifications";
    case "module":
      return s.output === undefined ? `/messages/modules/${s.module}/*` : `/messages/modules/${s.module}/outputs/${s.output}`;
  }
}

function describeSink(s: RouteSink): string {
  return s.kind === "upstream" ? "$upstream" : `BrokeredEndpoint("/modules/${s.module}/inputs/${s.input}")`;
}

/** Renders a route from parts, checking each part, e.g. `FROM /messages/modules/m/* INTO $upstream`. */
export function buildRoute(parts: ParsedRoute): string {
  const text = `FROM ${describeSource(parts.source)}${parts.condition === undefined ? "" : ` WHERE ${parts.condition}`} INTO ${describeSink(parts.sink)}`;
  // Parsing what was rendered checks names and the condition with the same rules as hand-written routes.
  parseRoute(text);
  return text;
}

/** Finds the last ` INTO ` keyword outside quotes (-1 when there is none), and any quote left open. */
function findInto(text: string): { index: number; openQuote?: string } {
  let quote: string | undefined;
  let found = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === "'" || c === '"') {
      quote = c;
    } else if (/\s/.test(c) && /^\s+INTO(\s|$)/i.test(text.slice(i))) {
      found = i;
    }
  }
  return { index: found, openQuote: quote };
}

function checkCondition(condition: string): string | undefined {
  if (condition.trim() === "") return "WHERE has no condition";
  let depth = 0;
  let quote: string | undefined;
  for (const c of condition) {
    if (quote) {
      if (c === quote) quote = undefined;
      continue;
    }
    if (c === "'" || c === '"') quote = c;
    else if (c === "(") depth++;
    else if (c === ")" && --depth < 0) return "the condition closes a parenthesis it never opened";
  }
  if (quote) return `the condition has an unclosed ${quote} quote`;
  if (depth > 0) return "the condition has an unclosed parenthesis";
  return undefined;
}

function parseSource(text: string): RouteSource | string {
  if (text === "/*") return { kind: "all" };
  if (text === "/messages/*") return { kind: "allMessages" };
  if (text === "/twinChangeNotifications") return { kind: "twinChangeNotifications" };
  const m = /^\/messages\/modules\/([^/]+)\/(?:\*|outputs\/([^/]+))$/.exec(text);
  if (!m) {
    return (
      `source '${text}' is not one of /*, /messages/*, /messages/modules/<module>/*, ` +
      "/messages/modules/<module>/outputs/<output> or /messages/modules/<module>/outputs/*, /twinChangeNotifications"
    );
  }
  if (!MODULE_NAME.test(m[1])) return `source module name '${m[1]}' may only contain letters, digits, '_' and '-'`;
  if (m[2] !== undefined && m[2] !== "*" && !ENDPOINT_NAME.test(m[2])) return `source output name '${m[2]}' is not valid`;
  return { kind: "module", module: m[1], ...(m[2] === undefined ? {} : { output: m[2] }) };
}

function parseSink(text: string): RouteSink | string {
  if (text === "") return "INTO has no sink";
  if (text === "$upstream") return { kind: "upstream" };
  const call = /^BrokeredEndpoint\s*\(\s*(.*?)\s*\)$/i.exec(text);
  if (!call) return `sink '${text}' must be $upstream or BrokeredEndpoint("/modules/<module>/inputs/<input>")`;
  const quoted = /^"(.*)"$/.exec(call[1]);
  if (!quoted) return `BrokeredEndpoint takes a double-quoted path, got ${call[1] === "" ? "nothing" : call[1]}`;
  const m = /^\/modules\/([^/]+)\/inputs\/([^/]+)$/.exec(quoted[1]);
  if (!m) return `BrokeredEndpoint path '${quoted[1]}' must be /modules/<module>/inputs/<input>`;
  if (!MODULE_NAME.test(m[1])) return `sink module name '${m[1]}' may only contain letters, digits, '_' and '-'`;
  if (!ENDPOINT_NAME.test(m[2])) return `sink input name '${m[2]}' is not valid`;
  return { kind: "module", module: m[1], input: m[2] };
}

/** Parses one route; throws a RouteError saying what is wrong. */
export function parseRoute(text: string): ParsedRoute {
  const wrong = (why: string): RouteError => new RouteError(`route '${text}': ${why}`);
  const route = text.trim();
  if (route === "") throw wrong("is empty");
  const from = /^FROM(\s+|$)/i.exec(route);
  if (!from) throw wrong("must start with FROM");
  const { index: into, openQuote } = findInto(route);
  if (into < 0) throw wrong(openQuote ? `has an unclosed ${openQuote} quote, so no INTO <sink> was found` : "has no INTO <sink>");
  const head = route.slice(from[0].length, into).trim();
  const sinkText = route.slice(into).trim().replace(/^INTO/i, "").trim();
  const sourceText = head.split(/\s+/)[0];
  if (sourceText === "" || /^WHERE$/i.test(sourceText)) throw wrong("has no source after FROM");
  const afterSource = head.slice(sourceText.length).trim();
  let condition: string | undefined;
  if (afterSource !== "") {
    const where = /^WHERE(\s+|$)/i.exec(afterSource);
    if (!where) throw wrong(`expected WHERE or INTO after the source, found '${afterSource.split(/\s+/)[0]}'`);
    condition = afterSource.slice(where[0].length).trim();
    const problem = checkCondition(condition);
    if (problem) throw wrong(problem);
  }
  const source = parseSource(sourceText);
  if (typeof source === "string") throw wrong(source);
  const sink = parseSink(sinkText);
  if (typeof sink === "string") throw wrong(sink);
  return { source, sink, ...(condition === undefined ? {} : { condition }) };
}

/** The text of a route entry, whichever of the two schema 1.1 forms it has. */
export function routeText(entry: RouteEntry): string {
  return typeof entry === "string" ? entry : entry.route;
}

/**
 * Checks every route of an edgeHub manifest: syntax, and that each module a route names (as source
 * or sink) is one of `modules`, the custom modules of the same deployment.
 */
export function checkRoutes(routes: Record<string, RouteEntry>, modules: readonly string[]): Record<string, ParsedRoute> {
  const out: Record<string, ParsedRoute> = {};
  for (const [name, entry] of Object.entries(routes)) {
    if (!/^[^.$# ]+$/.test(name)) throw new RouteError(`route name '${name}' may not contain '.', '$', '#' or spaces`);
    if (typeof entry !== "string") {
      if (entry.priority !== undefined && (!Number.isInteger(entry.priority) || entry.priority < 0 || entry.priority > 9)) {
        throw new RouteError(`route ${name}: priority must be a whole number from 0 (highest) to 9`);
      }
      if (entry.timeToLiveSecs !== undefined && (!Number.isInteger(entry.timeToLiveSecs) || entry.timeToLiveSecs < 0)) {
        throw new RouteError(`route ${name}: timeToLiveSecs must be a whole number of seconds, 0 or more`);
      }
    }
    let parsed: ParsedRoute;
    try {
      parsed = parseRoute(routeText(entry));
    } catch (err) {
      throw new RouteError(`route ${name}: ${(err as Error).message}`);
    }
    for (const [role, named] of [
      ["source", parsed.source.kind === "module" ? parsed.source.module : undefined],
      ["sink", parsed.sink.kind === "module" ? parsed.sink.module : undefined],
    ] as const) {
      if (named !== undefined && !modules.includes(named)) {
        throw new RouteError(
          `route ${name}: ${role} module '${named}' is not in this deployment (modules: ${modules.length ? modules.join(", ") : "none"})`,
        );
      }
    }
    out[name] = parsed;
  }
  return out;
}
