/** Rewrites Pulumi.yaml and the README's config reference from lib/config/config.ts (see tools/lib/projectFile.ts). */
import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { renderProjectFile, withConfigTable } from "./lib/projectFile";

const root = path.join(__dirname, "..");
writeFileSync(path.join(root, "Pulumi.yaml"), renderProjectFile());
const readme = path.join(root, "README.md");
writeFileSync(readme, withConfigTable(readFileSync(readme, "utf8")));
console.log("Pulumi.yaml and README.md's config reference written");
