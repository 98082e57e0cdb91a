/**
 * npm run stacks -- [--github]
 * Every stack this repository deploys: the stack files present (`Pulumi.<name>.yaml`), each with
 * its registered tier (stacks.json), cluster provider and policy config. CI's render loop and the
 * workflows' matrices come from here, so adding an environment is a stack file plus its entry in
 * stacks.json. A stack file without an entry (or an entry without a file) is an error.
 * --github prints `development=<matrix>` and `production=<matrix>` lines for $GITHUB_OUTPUT.
 */
import { stackInventory, StackInventoryError } from "./offline/stacks";

try {
  const stacks = stackInventory(".");
  if (process.argv.includes("--github")) {
    for (const tier of ["development", "production"] as const) {
      const include = stacks.filter((s) => s.tier === tier);
      console.log(`${tier}=${JSON.stringify({ include })}`);
      console.log(`has-${tier}=${include.length > 0}`);
    }
  } else if (process.argv.includes("--names")) {
    console.log(stacks.map((s) => s.stack).join("\n"));
  } else {
    console.log(JSON.stringify(stacks, null, 2));
  }
} catch (e) {
  if (!(e instanceof StackInventoryError)) throw e;
  console.error(e.message);
  process.exit(1);
}
