/**
 * npm run docs: regenerates what is generated from code: the configuration reference in
 * README.md and schema/stack.schema.json (from config/schema.ts), and the policy table in
 * docs/governance.md (from policies/). `--check` only reports whether they are current.
 */
import { mkdirSync, readFileSync, writeFileSync } from "fs";
import { dirname } from "path";
import { generatedDocs } from "./offline/docs";

async function main(): Promise<number> {
  const check = process.argv.includes("--check");
  const stale: string[] = [];
  for (const [file, text] of Object.entries(await generatedDocs())) {
    let current = "";
    try {
      current = readFileSync(file, "utf8");
    } catch {
      /* a missing file is stale */
    }
    if (current === text) continue;
    stale.push(file);
    if (!check) {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, text);
    }
  }
  if (check && stale.length) {
    console.error(`out of date (run \`npm run docs\`): ${stale.join(", ")}`);
    return 1;
  }
  console.log(stale.length ? `updated ${stale.join(", ")}` : "up to date");
  return 0;
}

main().then((code) => process.exit(code));
