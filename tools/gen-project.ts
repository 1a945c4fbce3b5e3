/** Rewrites Pulumi.yaml from lib/config.ts (see lib/projectFile.ts). */
import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { renderProjectFile } from "../lib/projectFile";

writeFileSync(path.join(__dirname, "..", "Pulumi.yaml"), renderProjectFile());
console.log("Pulumi.yaml written");
