/** The generated files and their contents, formatted as the repository's Prettier would. */
import { readFileSync } from "fs";
import { format, resolveConfig } from "prettier";
import { stackFileJsonSchema, withReference } from "../../config/reference";

export const README = "README.md";
export const STACK_SCHEMA = "schema/stack.schema.json";

async function pretty(text: string, filepath: string): Promise<string> {
  const options = (await resolveConfig(filepath)) ?? {};
  return format(text, { ...options, filepath });
}

/** File → the content it must have. */
export async function generatedDocs(): Promise<Record<string, string>> {
  return {
    [README]: await pretty(withReference(readFileSync(README, "utf8")), README),
    [STACK_SCHEMA]: await pretty(JSON.stringify(stackFileJsonSchema(), null, 2), STACK_SCHEMA),
  };
}
