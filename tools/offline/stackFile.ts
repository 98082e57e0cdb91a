/**
 * Reads a Pulumi stack file (`Pulumi.<stack>.yaml`) into the string config map the Pulumi
 * runtime uses. `secure:` values, which only the Pulumi CLI can decrypt, become placeholders
 * and their keys are marked secret, as `pulumi up` would mark them.
 *
 * A file that is not a well-formed stack file is refused with every problem, each naming the
 * file and the line or key: broken YAML, duplicate keys, alias bombs (the yaml library's
 * alias-count guard), a document or `config:` that is not a mapping, `.inf`/`.nan` (JSON has
 * no such numbers, so they would reach the schema as null) and `__proto__` keys.
 */
import { readFileSync } from "fs";
import { isMap, isScalar, isSeq, LineCounter, Node, parseDocument } from "yaml";

export interface StackFileConfig {
  config: Record<string, string>;
  secretKeys: string[];
}

/** The stack file cannot be read as a Pulumi stack file; `problems` are complete lines. */
export class StackFileError extends Error {
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(problems.map((p) => `${source}: ${p}`).join("\n"));
    this.name = "StackFileError";
  }
}

function isSecure(value: unknown): value is { secure: string } {
  return (
    !!value && typeof value === "object" && !Array.isArray(value) && Object.keys(value).join() === "secure"
  );
}

function replaceSecure(value: unknown, key: string, found: { secret: boolean }): unknown {
  if (isSecure(value)) {
    found.secret = true;
    return `[secure placeholder for ${key}]`;
  }
  if (Array.isArray(value)) return value.map((v) => replaceSecure(v, key, found));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replaceSecure(v, key, found)]));
  }
  return value;
}

/** Values JSON cannot carry, and keys that would rewrite an object's prototype, with where they are. */
function unrepresentable(node: Node | null, path: string, lines: LineCounter, out: string[]): void {
  const at = (n: Node) => {
    const pos = n.range ? lines.linePos(n.range[0]) : undefined;
    return pos ? `line ${pos.line}: ` : "";
  };
  if (isMap(node)) {
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      const keyPath = path ? `${path}.${key}` : key;
      if (key === "__proto__") {
        out.push(`${at(pair.key as Node)}${keyPath}: the key "__proto__" is not allowed`);
      }
      unrepresentable(pair.value as Node | null, keyPath, lines, out);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => unrepresentable(item as Node | null, `${path}[${i}]`, lines, out));
  } else if (isScalar(node) && typeof node.value === "number" && !Number.isFinite(node.value)) {
    out.push(
      `${at(node)}${path}: ${String(node.source ?? node.value)} is not a number a stack config can hold; use a finite number`,
    );
  }
}

export function parseStackFile(text: string, source = "stack file"): StackFileConfig {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: true });
  if (doc.errors.length) {
    throw new StackFileError(
      source,
      doc.errors.map((e) => e.message.split("\n")[0].replace(/:$/, "")),
    );
  }
  let data: unknown;
  try {
    // The yaml library refuses documents whose aliases expand past its limit (alias bombs).
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    throw new StackFileError(source, [`cannot be read: ${(e as Error).message}`]);
  }
  if (data === null || data === undefined) return { config: {}, secretKeys: [] };
  if (typeof data !== "object" || Array.isArray(data)) {
    throw new StackFileError(source, ["must be a mapping with a `config:` key, not a list or a value"]);
  }
  const raw = (data as { config?: unknown }).config;
  if (raw === undefined || raw === null) return { config: {}, secretKeys: [] };
  if (typeof raw !== "object" || Array.isArray(raw)) {
    throw new StackFileError(source, ["`config:` must be a mapping of `<namespace>:<key>: value`"]);
  }
  const problems: string[] = [];
  const configNode = isMap(doc.contents) ? doc.contents.get("config", true) : null;
  unrepresentable(configNode as Node | null, "", lines, problems);
  for (const key of Object.keys(raw)) {
    if (!key.includes(":"))
      problems.push(`config key "${key}" has no namespace (write "flink-platform:${key}")`);
  }
  if (problems.length) throw new StackFileError(source, problems);

  const config: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const [key, value] of Object.entries(raw)) {
    const found = { secret: false };
    const replaced = replaceSecure(value, key, found);
    config[key] = typeof replaced === "string" ? replaced : JSON.stringify(replaced);
    if (found.secret) secretKeys.push(key);
  }
  return { config, secretKeys };
}

export function readStackFile(path: string): StackFileConfig {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new StackFileError(path, [
      code === "ENOENT"
        ? "no such stack file (pass --config <file> or create it)"
        : `cannot be read (${code})`,
    ]);
  }
  return parseStackFile(text, path);
}
