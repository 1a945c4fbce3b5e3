// `npm run build`: transpiles the program and its tools to build/ so `npm run plan` and
// `npm run bench` start in plain Node, without a TypeScript loader.
import { join } from "node:path";
import { root, transpile } from "./transpile.mjs";

await transpile(join(root, "build"), ["components", "lib", "tools"]);
