import assert from "node:assert/strict";
import { test } from "node:test";
import { buildRoute, checkRoutes, parseRoute, RouteError } from "../../lib/edge/routes";

const BLOG_UPSTREAM = "FROM /messages/modules/azureiotsecurity/* INTO $upstream";
const BLOG_ECHO = 'FROM /messages/modules/azureiotsecurity/* INTO BrokeredEndpoint("/modules/echo/inputs/input1")';
const MODULES = ["azureiotsecurity", "echo"];

test("the blog's two routes parse into their source module and sinks", () => {
  assert.deepEqual(parseRoute(BLOG_UPSTREAM), { source: { kind: "module", module: "azureiotsecurity" }, sink: { kind: "upstream" } });
  assert.deepEqual(parseRoute(BLOG_ECHO), {
    source: { kind: "module", module: "azureiotsecurity" },
    sink: { kind: "module", module: "echo", input: "input1" },
  });
  assert.doesNotThrow(() => checkRoutes({ up: BLOG_UPSTREAM, echo: { route: BLOG_ECHO, priority: 9, timeToLiveSecs: 0 } }, MODULES));
});

test("keywords are case-insensitive and a WHERE condition is kept", () => {
  const r = parseRoute("from /messages/modules/sensor/outputs/temp where temperature > 30 AND name = 'a INTO b' into $upstream");
  assert.deepEqual(r.source, { kind: "module", module: "sensor", output: "temp" });
  assert.equal(r.condition, "temperature > 30 AND name = 'a INTO b'");
  assert.deepEqual(r.sink, { kind: "upstream" });
});

test("all documented source forms are accepted", () => {
  for (const source of ["/*", "/messages/*", "/messages/modules/m1/*", "/messages/modules/m1/outputs/*", "/messages/modules/m1/outputs/out_1", "/twinChangeNotifications"]) {
    assert.doesNotThrow(() => parseRoute(`FROM ${source} INTO $upstream`), source);
  }
});

test("buildRoute renders routes that parse back to the same parts", () => {
  const parts = { source: { kind: "module", module: "azureiotsecurity" }, sink: { kind: "module", module: "echo", input: "input1" } } as const;
  assert.equal(buildRoute(parts), BLOG_ECHO);
  assert.deepEqual(parseRoute(buildRoute(parts)), parts);
  const withWhere = { source: { kind: "allMessages" }, condition: "$body.level = 'error'", sink: { kind: "upstream" } } as const;
  assert.equal(buildRoute(withWhere), "FROM /messages/* WHERE $body.level = 'error' INTO $upstream");
  assert.throws(() => buildRoute({ source: { kind: "module", module: "bad name" }, sink: { kind: "upstream" } }), /source/);
});

const SOURCE_FORMS =
  "is not one of /*, /messages/*, /messages/modules/<module>/*, /messages/modules/<module>/outputs/<output> or /messages/modules/<module>/outputs/*, /twinChangeNotifications";
const SINK_FORMS = 'must be $upstream or BrokeredEndpoint("/modules/<module>/inputs/<input>")';

// [what, route, the reason after "route '<route>': "]
const MALFORMED: [string, string, string][] = [
  ["empty", "   ", "is empty"],
  ["nothing at all", "", "is empty"],
  ["no FROM", "SELECT /messages/* INTO $upstream", "must start with FROM"],
  ["FROM glued to the source", "FROM/messages/* INTO $upstream", "must start with FROM"],
  ["a longer word than FROM", "FROMX /messages/* INTO $upstream", "must start with FROM"],
  ["no INTO", "FROM /messages/*", "has no INTO <sink>"],
  ["FROM alone", "FROM", "has no INTO <sink>"],
  ["TO instead of INTO", "FROM /messages/* TO $upstream", "has no INTO <sink>"],
  ["INTO glued to the sink", "FROM /messages/* INTO$upstream", "has no INTO <sink>"],
  ["INTO glued to the source", "FROM /messages/*INTO $upstream", "has no INTO <sink>"],
  ["INTO only inside quotes", "FROM /messages/* WHERE a = ' INTO $upstream'", "has no INTO <sink>"],
  ["INTO only inside double quotes", 'FROM /messages/* WHERE a = " INTO $upstream"', "has no INTO <sink>"],
  ["no source", "FROM INTO $upstream", "has no source after FROM"],
  ["WHERE instead of a source", "FROM WHERE a = 1 INTO $upstream", "has no source after FROM"],
  ["lower-case where instead of a source", "FROM where a = 1 INTO $upstream", "has no source after FROM"],
  ["no sink", "FROM /messages/* INTO", "INTO has no sink"],
  ["no sink but spaces", "FROM /messages/* INTO   ", "INTO has no sink"],
  ["unknown sink", "FROM /messages/* INTO $downstream", `sink '$downstream' ${SINK_FORMS}`],
  ["trailing text after the sink", "FROM /messages/* INTO $upstream now", `sink '$upstream now' ${SINK_FORMS}`],
  ["text after BrokeredEndpoint", 'FROM /messages/* INTO BrokeredEndpoint("/modules/echo/inputs/input1") now', `sink 'BrokeredEndpoint("/modules/echo/inputs/input1") now' ${SINK_FORMS}`],
  ["text before BrokeredEndpoint", 'FROM /messages/* INTO xBrokeredEndpoint("/modules/echo/inputs/input1")', `sink 'xBrokeredEndpoint("/modules/echo/inputs/input1")' ${SINK_FORMS}`],
  ["BrokeredEndpoint without parentheses", 'FROM /messages/* INTO BrokeredEndpoint "/modules/echo/inputs/input1"', `sink 'BrokeredEndpoint "/modules/echo/inputs/input1"' ${SINK_FORMS}`],
  ["unquoted endpoint", "FROM /messages/* INTO BrokeredEndpoint(/modules/echo/inputs/input1)", "BrokeredEndpoint takes a double-quoted path, got /modules/echo/inputs/input1"],
  ["single-quoted endpoint", "FROM /messages/* INTO BrokeredEndpoint('/modules/echo/inputs/input1')", "BrokeredEndpoint takes a double-quoted path, got '/modules/echo/inputs/input1'"],
  ["half-quoted endpoint", 'FROM /messages/* INTO BrokeredEndpoint("/modules/echo/inputs/input1)', 'BrokeredEndpoint takes a double-quoted path, got "/modules/echo/inputs/input1'],
  ["empty endpoint", "FROM /messages/* INTO BrokeredEndpoint()", "BrokeredEndpoint takes a double-quoted path, got nothing"],
  ["blank endpoint", "FROM /messages/* INTO BrokeredEndpoint(  )", "BrokeredEndpoint takes a double-quoted path, got nothing"],
  ["outputs instead of inputs", 'FROM /messages/* INTO BrokeredEndpoint("/modules/echo/outputs/input1")', "BrokeredEndpoint path '/modules/echo/outputs/input1' must be /modules/<module>/inputs/<input>"],
  ["a deeper endpoint path", 'FROM /messages/* INTO BrokeredEndpoint("/modules/echo/inputs/input1/x")', "BrokeredEndpoint path '/modules/echo/inputs/input1/x' must be /modules/<module>/inputs/<input>"],
  ["an endpoint path without the leading slash", 'FROM /messages/* INTO BrokeredEndpoint("modules/echo/inputs/input1")', "BrokeredEndpoint path 'modules/echo/inputs/input1' must be /modules/<module>/inputs/<input>"],
  ["an endpoint without a module", 'FROM /messages/* INTO BrokeredEndpoint("/modules//inputs/input1")', "BrokeredEndpoint path '/modules//inputs/input1' must be /modules/<module>/inputs/<input>"],
  ["an endpoint without an input", 'FROM /messages/* INTO BrokeredEndpoint("/modules/echo/inputs/")', "BrokeredEndpoint path '/modules/echo/inputs/' must be /modules/<module>/inputs/<input>"],
  ["an invalid sink module name", 'FROM /messages/* INTO BrokeredEndpoint("/modules/bad.name/inputs/input1")', "sink module name 'bad.name' may only contain letters, digits, '_' and '-'"],
  ["a wildcard sink input", 'FROM /messages/* INTO BrokeredEndpoint("/modules/echo/inputs/in*")', "sink input name 'in*' is not valid"],
  ["a sink input with a space", 'FROM /messages/* INTO BrokeredEndpoint("/modules/echo/inputs/in put")', "sink input name 'in put' is not valid"],
  ["a sink input with a quote", 'FROM /messages/* INTO BrokeredEndpoint("/modules/echo/inputs/in"put")', `sink input name 'in"put' is not valid`],
  ["module source without wildcard", "FROM /messages/modules/azureiotsecurity INTO $upstream", `source '/messages/modules/azureiotsecurity' ${SOURCE_FORMS}`],
  ["module source with an empty module", "FROM /messages/modules//* INTO $upstream", `source '/messages/modules//*' ${SOURCE_FORMS}`],
  ["module source with a deeper output", "FROM /messages/modules/m1/outputs/a/b INTO $upstream", `source '/messages/modules/m1/outputs/a/b' ${SOURCE_FORMS}`],
  ["module source with an empty output", "FROM /messages/modules/m1/outputs/ INTO $upstream", `source '/messages/modules/m1/outputs/' ${SOURCE_FORMS}`],
  ["module source with text after the wildcard", "FROM /messages/modules/m1/*x INTO $upstream", `source '/messages/modules/m1/*x' ${SOURCE_FORMS}`],
  ["module source with text before it", "FROM x/messages/modules/m1/* INTO $upstream", `source 'x/messages/modules/m1/*' ${SOURCE_FORMS}`],
  ["module source with inputs", "FROM /messages/modules/m1/inputs/a INTO $upstream", `source '/messages/modules/m1/inputs/a' ${SOURCE_FORMS}`],
  ["a near miss of /*", "FROM /** INTO $upstream", `source '/**' ${SOURCE_FORMS}`],
  ["a near miss of /messages/*", "FROM /messages INTO $upstream", `source '/messages' ${SOURCE_FORMS}`],
  ["a near miss of /twinChangeNotifications", "FROM /twinchangenotifications INTO $upstream", `source '/twinchangenotifications' ${SOURCE_FORMS}`],
  ["invalid module name", "FROM /messages/modules/bad$name/* INTO $upstream", "source module name 'bad$name' may only contain letters, digits, '_' and '-'"],
  ["a dotted source module name", "FROM /messages/modules/bad.name/outputs/o1 INTO $upstream", "source module name 'bad.name' may only contain letters, digits, '_' and '-'"],
  ["a source output with a wildcard inside", "FROM /messages/modules/m1/outputs/o* INTO $upstream", "source output name 'o*' is not valid"],
  ["a source output with quotes", 'FROM /messages/modules/m1/outputs/o"1" INTO $upstream', `source output name 'o"1"' is not valid`],
  ["empty condition", "FROM /messages/* WHERE INTO $upstream", "WHERE has no condition"],
  ["lower-case empty condition", "FROM /messages/* where into $upstream", "WHERE has no condition"],
  ["unbalanced parenthesis", "FROM /messages/* WHERE (a = 1 INTO $upstream", "the condition has an unclosed parenthesis"],
  ["a closing parenthesis never opened", "FROM /messages/* WHERE a = 1) INTO $upstream", "the condition closes a parenthesis it never opened"],
  ["parentheses closed in the wrong order", "FROM /messages/* WHERE a = 1) AND (b = 2 INTO $upstream", "the condition closes a parenthesis it never opened"],
  ["a parenthesis opened inside quotes only", "FROM /messages/* WHERE a = '(' AND (b = 2 INTO $upstream", "the condition has an unclosed parenthesis"],
  ["a stray quote after the sink", "FROM /messages/* WHERE a = 1 INTO $upstream 'x", `sink '$upstream 'x' ${SINK_FORMS}`],
  ["unclosed quote", "FROM /messages/* WHERE a = 'x INTO $upstream", "has an unclosed ' quote, so no INTO <sink> was found"],
  ["unclosed double quote", 'FROM /messages/* WHERE a = "x INTO $upstream', 'has an unclosed " quote, so no INTO <sink> was found'],
  ["text before FROM", "xFROM /messages/* INTO $upstream", "must start with FROM"],
  ["text before the endpoint's quotes", 'FROM /messages/* INTO BrokeredEndpoint(x"/modules/echo/inputs/input1")', 'BrokeredEndpoint takes a double-quoted path, got x"/modules/echo/inputs/input1"'],
  ["text after the endpoint's quotes", 'FROM /messages/* INTO BrokeredEndpoint("/modules/echo/inputs/input1"x)', 'BrokeredEndpoint takes a double-quoted path, got "/modules/echo/inputs/input1"x'],
  ["text before the endpoint path", 'FROM /messages/* INTO BrokeredEndpoint("x/modules/echo/inputs/input1")', "BrokeredEndpoint path 'x/modules/echo/inputs/input1' must be /modules/<module>/inputs/<input>"],
  ["a source ending in WHERE", "FROM xWHERE INTO $upstream", `source 'xWHERE' ${SOURCE_FORMS}`],
  ["a source starting with WHERE", "FROM WHEREx INTO $upstream", `source 'WHEREx' ${SOURCE_FORMS}`],
  ["a word ending in WHERE after the source", "FROM /messages/* xWHERE a = 1 INTO $upstream", "expected WHERE or INTO after the source, found 'xWHERE'"],
  ["a quote opened in the source and closed in the condition", "FROM /messages/modules/m1/outputs/o'x WHERE a = 'y INTO $upstream", "the condition has an unclosed ' quote"],
  ["a double quote opened in the source and closed in the condition", 'FROM /messages/modules/m1/outputs/o"x WHERE a = "y INTO $upstream', 'the condition has an unclosed " quote'],
  ["junk between source and INTO", "FROM /messages/* please INTO $upstream", "expected WHERE or INTO after the source, found 'please'"],
  ["WHERE glued to the condition", "FROM /messages/* WHEREa = 1 INTO $upstream", "expected WHERE or INTO after the source, found 'WHEREa'"],
];

for (const [what, route, why] of MALFORMED) {
  test(`a route with ${what} is rejected with a message naming the route`, () => {
    assert.throws(() => parseRoute(route), (err: Error) => {
      assert.ok(err instanceof RouteError);
      assert.equal(err.name, "RouteError");
      assert.equal(err.message, `route '${route}': ${why}`);
      return true;
    });
  });
}

test("every source form parses to its parts", () => {
  const cases: [string, unknown][] = [
    ["/*", { kind: "all" }],
    ["/messages/*", { kind: "allMessages" }],
    ["/twinChangeNotifications", { kind: "twinChangeNotifications" }],
    ["/messages/modules/m1/*", { kind: "module", module: "m1" }],
    ["/messages/modules/M_1-a/*", { kind: "module", module: "M_1-a" }],
    ["/messages/modules/m1/outputs/*", { kind: "module", module: "m1", output: "*" }],
    ["/messages/modules/m1/outputs/out_1", { kind: "module", module: "m1", output: "out_1" }],
    ["/messages/modules/m1/outputs/out.1-x", { kind: "module", module: "m1", output: "out.1-x" }],
  ];
  for (const [source, parsed] of cases) {
    assert.deepEqual(parseRoute(`FROM ${source} INTO $upstream`), { source: parsed, sink: { kind: "upstream" } }, source);
    assert.equal(parseRoute(`FROM ${source} INTO $upstream`).condition, undefined);
    assert.ok(!("condition" in parseRoute(`FROM ${source} INTO $upstream`)), "no condition key without WHERE");
  }
});

test("BrokeredEndpoint sinks: any letter case and spaces inside the parentheses", () => {
  for (const sink of [
    'BrokeredEndpoint("/modules/echo/inputs/input1")',
    'brokeredendpoint("/modules/echo/inputs/input1")',
    'BrokeredEndpoint ( "/modules/echo/inputs/input1" )',
    'BROKEREDENDPOINT(\t"/modules/echo/inputs/input1")',
  ]) {
    assert.deepEqual(parseRoute(`FROM /messages/* INTO ${sink}`).sink, { kind: "module", module: "echo", input: "input1" }, sink);
  }
  assert.deepEqual(parseRoute('FROM /* INTO BrokeredEndpoint("/modules/M_1-a/inputs/in.put-2")').sink, { kind: "module", module: "M_1-a", input: "in.put-2" });
});

test("spacing and letter case around the keywords do not matter", () => {
  const expected = { source: { kind: "allMessages" }, condition: "a = 1", sink: { kind: "upstream" } };
  for (const route of [
    "FROM /messages/* WHERE a = 1 INTO $upstream",
    "  from\t/messages/*   where   a = 1\tinto   $upstream  ",
    "From /messages/*\nWhere a = 1\nInto $upstream",
  ]) {
    assert.deepEqual(parseRoute(route), expected, JSON.stringify(route));
  }
});

test("the last INTO outside quotes ends the condition; INTO inside quotes or words does not", () => {
  assert.deepEqual(parseRoute('FROM /messages/* WHERE name = "a INTO b" INTO $upstream'), {
    source: { kind: "allMessages" },
    condition: 'name = "a INTO b"',
    sink: { kind: "upstream" },
  });
  assert.deepEqual(parseRoute("FROM /messages/* WHERE a = 1 INTO $upstream INTO $upstream"), {
    source: { kind: "allMessages" },
    condition: "a = 1 INTO $upstream",
    sink: { kind: "upstream" },
  });
  assert.deepEqual(parseRoute("FROM /messages/* WHERE INTOx = 1 AND xINTO = 2 INTO $upstream"), {
    source: { kind: "allMessages" },
    condition: "INTOx = 1 AND xINTO = 2",
    sink: { kind: "upstream" },
  });
  assert.deepEqual(parseRoute("FROM /messages/* WHERE a = ')' AND (b = \"(\") INTO $upstream").condition, "a = ')' AND (b = \"(\")");
  assert.deepEqual(parseRoute("FROM /messages/* WHERE ((a = 1) OR (b = 2)) INTO $upstream").condition, "((a = 1) OR (b = 2))");
  assert.deepEqual(parseRoute("FROM /messages/* WHERE a = 'it''s' INTO $upstream").condition, "a = 'it''s'");
});

test("buildRoute renders every source form and both sinks, with and without a condition", () => {
  const echo = { kind: "module", module: "echo", input: "input1" } as const;
  const cases: [Parameters<typeof buildRoute>[0], string][] = [
    [{ source: { kind: "all" }, sink: { kind: "upstream" } }, "FROM /* INTO $upstream"],
    [{ source: { kind: "allMessages" }, sink: echo }, 'FROM /messages/* INTO BrokeredEndpoint("/modules/echo/inputs/input1")'],
    [{ source: { kind: "twinChangeNotifications" }, sink: { kind: "upstream" } }, "FROM /twinChangeNotifications INTO $upstream"],
    [{ source: { kind: "module", module: "m1" }, sink: { kind: "upstream" } }, "FROM /messages/modules/m1/* INTO $upstream"],
    [{ source: { kind: "module", module: "m1", output: "*" }, sink: { kind: "upstream" } }, "FROM /messages/modules/m1/outputs/* INTO $upstream"],
    [{ source: { kind: "module", module: "m1", output: "temp" }, condition: "temperature > 30", sink: echo }, 'FROM /messages/modules/m1/outputs/temp WHERE temperature > 30 INTO BrokeredEndpoint("/modules/echo/inputs/input1")'],
  ];
  for (const [parts, text] of cases) {
    assert.equal(buildRoute(parts), text);
    assert.deepEqual(parseRoute(text), parts, text);
  }
  assert.throws(() => buildRoute({ source: { kind: "allMessages" }, condition: "(a = 1", sink: { kind: "upstream" } }), {
    message: "route 'FROM /messages/* WHERE (a = 1 INTO $upstream': the condition has an unclosed parenthesis",
  });
  assert.throws(() => buildRoute({ source: { kind: "allMessages" }, sink: { kind: "module", module: "echo", input: "in put" } }), {
    message: `route 'FROM /messages/* INTO BrokeredEndpoint("/modules/echo/inputs/in put")': sink input name 'in put' is not valid`,
  });
});

test("routes naming a module that is not in the deployment are rejected, as sink or source", () => {
  assert.throws(
    () => checkRoutes({ toGhost: 'FROM /messages/* INTO BrokeredEndpoint("/modules/ghost/inputs/input1")' }, MODULES),
    { name: "RouteError", message: "route toGhost: sink module 'ghost' is not in this deployment (modules: azureiotsecurity, echo)" },
  );
  assert.throws(
    () => checkRoutes({ fromGhost: "FROM /messages/modules/ghost/* INTO $upstream" }, []),
    { name: "RouteError", message: "route fromGhost: source module 'ghost' is not in this deployment (modules: none)" },
  );
  assert.throws(
    () => checkRoutes({ fromGhost: "FROM /messages/modules/ghost/outputs/o1 INTO $upstream" }, ["echo"]),
    { name: "RouteError", message: "route fromGhost: source module 'ghost' is not in this deployment (modules: echo)" },
  );
  assert.throws(
    () => checkRoutes({ ok: BLOG_UPSTREAM, both: 'FROM /messages/modules/echo/* INTO BrokeredEndpoint("/modules/ghost/inputs/input1")' }, MODULES),
    { name: "RouteError", message: "route both: sink module 'ghost' is not in this deployment (modules: azureiotsecurity, echo)" },
  );
});

test("routes naming a module of the deployment pass, and the parsed routes come back by name", () => {
  assert.deepEqual(
    checkRoutes(
      {
        up: BLOG_UPSTREAM,
        echo: { route: BLOG_ECHO, priority: 9, timeToLiveSecs: 0 },
        all: { route: "FROM /* WHERE a = 1 INTO $upstream" },
      },
      MODULES,
    ),
    {
      up: { source: { kind: "module", module: "azureiotsecurity" }, sink: { kind: "upstream" } },
      echo: { source: { kind: "module", module: "azureiotsecurity" }, sink: { kind: "module", module: "echo", input: "input1" } },
      all: { source: { kind: "all" }, condition: "a = 1", sink: { kind: "upstream" } },
    },
  );
  assert.deepEqual(checkRoutes({}, []), {});
  assert.deepEqual(checkRoutes({ r: "FROM /messages/* INTO $upstream" }, []), { r: { source: { kind: "allMessages" }, sink: { kind: "upstream" } } });
});

test("a route that does not parse is rejected naming the route entry", () => {
  assert.throws(() => checkRoutes({ r1: "FROM /messages/* INTO $nowhere" }, MODULES), {
    name: "RouteError",
    message: `route r1: route 'FROM /messages/* INTO $nowhere': sink '$nowhere' ${SINK_FORMS}`,
  });
  assert.throws(() => checkRoutes({ r2: { route: "FROM /messages/*", priority: 1 } }, MODULES), {
    name: "RouteError",
    message: "route r2: route 'FROM /messages/*': has no INTO <sink>",
  });
});

test("route priorities 0 to 9 and TTLs of 0 or more pass; one beyond and fractions fail, with the whole message", () => {
  for (const priority of [0, 9]) assert.doesNotThrow(() => checkRoutes({ r: { route: BLOG_UPSTREAM, priority } }, MODULES), String(priority));
  for (const priority of [-1, 10, 1.5]) {
    assert.throws(() => checkRoutes({ r: { route: BLOG_UPSTREAM, priority } }, MODULES), {
      name: "RouteError",
      message: "route r: priority must be a whole number from 0 (highest) to 9",
    }, String(priority));
  }
  for (const timeToLiveSecs of [0, 7200]) assert.doesNotThrow(() => checkRoutes({ r: { route: BLOG_UPSTREAM, timeToLiveSecs } }, MODULES), String(timeToLiveSecs));
  for (const timeToLiveSecs of [-1, 0.5]) {
    assert.throws(() => checkRoutes({ r: { route: BLOG_UPSTREAM, timeToLiveSecs } }, MODULES), {
      name: "RouteError",
      message: "route r: timeToLiveSecs must be a whole number of seconds, 0 or more",
    }, String(timeToLiveSecs));
  }
});

test("route names may not contain '.', '$', '#' or spaces, nor be empty", () => {
  for (const name of ["bad.name", "$bad", "bad#1", "bad name", ""]) {
    assert.throws(() => checkRoutes({ [name]: BLOG_UPSTREAM }, MODULES), {
      name: "RouteError",
      message: `route name '${name}' may not contain '.', '$', '#' or spaces`,
    }, JSON.stringify(name));
  }
  assert.doesNotThrow(() => checkRoutes({ "security-To_Upstream2": BLOG_UPSTREAM }, MODULES));
});
