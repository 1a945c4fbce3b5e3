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

const MALFORMED: [string, string, RegExp][] = [
  ["empty", "   ", /is empty/],
  ["no FROM", "SELECT /messages/* INTO $upstream", /must start with FROM/],
  ["no INTO", "FROM /messages/*", /has no INTO <sink>/],
  ["TO instead of INTO", "FROM /messages/* TO $upstream", /has no INTO <sink>/],
  ["no source", "FROM INTO $upstream", /has no source after FROM/],
  ["no sink", "FROM /messages/* INTO", /INTO has no sink/],
  ["unknown sink", "FROM /messages/* INTO $downstream", /sink '\$downstream' must be \$upstream or BrokeredEndpoint/],
  ["trailing text after the sink", "FROM /messages/* INTO $upstream now", /sink '\$upstream now'/],
  ["unquoted endpoint", "FROM /messages/* INTO BrokeredEndpoint(/modules/echo/inputs/input1)", /double-quoted path/],
  ["outputs instead of inputs", 'FROM /messages/* INTO BrokeredEndpoint("/modules/echo/outputs/input1")', /must be \/modules\/<module>\/inputs\/<input>/],
  ["module source without wildcard", "FROM /messages/modules/azureiotsecurity INTO $upstream", /source '\/messages\/modules\/azureiotsecurity' is not one of/],
  ["invalid module name", "FROM /messages/modules/bad$name/* INTO $upstream", /source module name 'bad\$name'/],
  ["empty condition", "FROM /messages/* WHERE INTO $upstream", /WHERE has no condition/],
  ["unbalanced parenthesis", "FROM /messages/* WHERE (a = 1 INTO $upstream", /unclosed parenthesis/],
  ["unclosed quote", "FROM /messages/* WHERE a = 'x INTO $upstream", /has an unclosed ' quote/],
  ["junk between source and INTO", "FROM /messages/* please INTO $upstream", /expected WHERE or INTO after the source, found 'please'/],
];

for (const [what, route, message] of MALFORMED) {
  test(`a route with ${what} is rejected with a message naming the route`, () => {
    assert.throws(() => parseRoute(route), (err: Error) => {
      assert.ok(err instanceof RouteError);
      assert.ok(err.message.startsWith(`route '${route}': `), err.message);
      assert.match(err.message, message);
      return true;
    });
  });
}

test("routes naming a module that is not in the deployment are rejected, as sink or source", () => {
  assert.throws(
    () => checkRoutes({ toGhost: 'FROM /messages/* INTO BrokeredEndpoint("/modules/ghost/inputs/input1")' }, MODULES),
    /route toGhost: sink module 'ghost' is not in this deployment \(modules: azureiotsecurity, echo\)/,
  );
  assert.throws(
    () => checkRoutes({ fromGhost: "FROM /messages/modules/ghost/* INTO $upstream" }, []),
    /route fromGhost: source module 'ghost' is not in this deployment \(modules: none\)/,
  );
});

test("route objects with a priority outside 0-9 or a negative TTL are rejected", () => {
  assert.throws(() => checkRoutes({ r: { route: BLOG_UPSTREAM, priority: 10 } }, MODULES), /priority must be a whole number from 0/);
  assert.throws(() => checkRoutes({ r: { route: BLOG_UPSTREAM, timeToLiveSecs: -1 } }, MODULES), /timeToLiveSecs/);
  assert.throws(() => checkRoutes({ "bad.name": BLOG_UPSTREAM }, MODULES), /route name 'bad.name'/);
});
