/**
 * The configuration reference and the editor schema, generated from the zod schema (its
 * descriptions, defaults, enums and ranges): one source of truth. `npm run docs` writes both;
 * tests fail when the committed files disagree with what this produces.
 */
import { z } from "zod";
import { stackSchema } from "./schema";
import { NAMESPACE } from "./problems";

type JS = {
  type?: string | string[];
  description?: string;
  default?: unknown;
  enum?: unknown[];
  const?: unknown;
  format?: string;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  maxLength?: number;
  properties?: Record<string, JS>;
  required?: string[];
  additionalProperties?: boolean | JS;
  items?: JS;
  oneOf?: JS[];
  anyOf?: JS[];
  [key: string]: unknown;
};

/** The stack schema for a tier as JSON Schema, input side (what a stack file holds). */
function tierJsonSchema(tier: "development" | "production"): JS {
  return z.toJSONSchema(stackSchema(tier), { io: "input", unrepresentable: "any" }) as JS;
}

const NUMERIC_STRING = "^\\s*-?(\\d+(\\.\\d*)?|\\.\\d+)([eE][-+]?\\d+)?\\s*$";

/**
 * Walks prod and dev schemas together: numbers also accept numeric strings (what
 * `pulumi config set --path` writes), and a default that differs by tier is named in the text.
 */
function editorSchema(prod: JS, dev: JS | undefined): JS {
  const out: JS = { ...prod };
  if (dev && dev.default !== undefined && JSON.stringify(dev.default) !== JSON.stringify(prod.default)) {
    out.description =
      `${prod.description ?? ""} Default: ${JSON.stringify(prod.default)} (development tier: ${JSON.stringify(dev.default)}).`.trim();
  }
  if (prod.type === "number" || prod.type === "integer") {
    out.type = [prod.type, "string"];
    out.pattern = NUMERIC_STRING;
  }
  if (prod.properties) {
    out.properties = Object.fromEntries(
      Object.entries(prod.properties).map(([k, v]) => [k, editorSchema(v, dev?.properties?.[k])]),
    );
  }
  if (prod.items) out.items = editorSchema(prod.items, dev?.items);
  for (const key of ["oneOf", "anyOf"] as const) {
    if (prod[key]) out[key] = prod[key]!.map((v, i) => editorSchema(v, dev?.[key]?.[i]));
  }
  return out;
}

/** JSON Schema for `Pulumi.<stack>.yaml`: every `flink-platform:*` key, for editor validation. */
export function stackFileJsonSchema(): Record<string, unknown> {
  const prod = tierJsonSchema("production");
  const dev = tierJsonSchema("development");
  const config = editorSchema(prod, dev);
  const defs = Object.fromEntries(
    Object.entries((prod.$defs ?? {}) as Record<string, JS>).map(([k, v]) => [
      k,
      editorSchema(v, (dev.$defs as Record<string, JS> | undefined)?.[k]),
    ]),
  );
  const properties = Object.fromEntries(
    Object.entries(config.properties ?? {}).map(([k, v]) => [`${NAMESPACE}:${k}`, v]),
  );
  return {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    $id: "https://github.com/acme/flink-platform/schema/stack.schema.json",
    title: "flink-platform stack file (Pulumi.<stack>.yaml)",
    description:
      "Generated from config/schema.ts by `npm run docs`. Secret values (`secure:`) and other namespaces' keys are allowed as Pulumi allows them.",
    type: "object",
    properties: {
      config: {
        type: "object",
        properties,
        required: (config.required ?? []).map((k) => `${NAMESPACE}:${k}`),
        // Other namespaces (pulumi:, aws:...) and secret receiver keys (`flink-platform:<secretKey>`).
        additionalProperties: true,
      },
    },
    required: ["config"],
    // Shared definitions (pod settings, logging), referenced as #/$defs/<name>.
    ...(Object.keys(defs).length ? { $defs: defs } : {}),
  };
}

// ------------------------------------------------------------------------------ the reference

interface Row {
  key: string;
  type: string;
  defaults: string;
  meaning: string;
}

interface Section {
  title: string;
  intro?: string;
  rows: Row[];
}

const code = (v: unknown) => `\`${typeof v === "string" ? v : JSON.stringify(v)}\``;

function range(s: JS): string {
  const lo =
    s.exclusiveMinimum !== undefined
      ? `> ${s.exclusiveMinimum}`
      : s.minimum !== undefined
        ? `≥ ${s.minimum}`
        : "";
  const hi =
    s.exclusiveMaximum !== undefined
      ? `< ${s.exclusiveMaximum}`
      : s.maximum !== undefined
        ? `≤ ${s.maximum}`
        : "";
  if (s.minimum !== undefined && s.maximum !== undefined) return ` ${s.minimum}–${s.maximum}`;
  return [lo, hi].filter(Boolean).length ? ` ${[lo, hi].filter(Boolean).join(", ")}` : "";
}

const FORMATS: Record<string, string> = {
  size: "size",
  duration: "duration",
  "ipv4-cidr": "IPv4 CIDR",
  "iam-role-arn": "IAM role ARN",
  uri: "https URL",
};

function typeText(s: JS): string {
  if (s.const !== undefined) return code(s.const);
  if (s.anyOf && !s.type) return s.anyOf.map(typeText).join(" or ");
  // A long catalog (instance types) would swamp the table: its meaning names where it comes from.
  if (s.enum) return s.enum.length > 6 ? "name from a catalog" : s.enum.map(code).join(" \\| ");
  if (s.format && FORMATS[s.format]) return FORMATS[s.format];
  switch (s.type) {
    case "integer":
      return `integer${range(s)}`;
    case "number":
      return `number${range(s)}`;
    case "boolean":
      return "boolean";
    case "string":
      return s.maxLength !== undefined ? `name ≤ ${s.maxLength}` : "string";
    case "array":
      return s.items?.properties ? "list (below)" : `list of ${typeText(s.items ?? {})}`;
    case "object":
      return s.properties ? "object" : "map of string";
    default:
      return "any";
  }
}

function defaultText(prod: JS | undefined, dev: JS | undefined, required: boolean): string {
  if (required) return "required";
  const show = (s: JS | undefined) =>
    s?.default === undefined ? "—" : JSON.stringify(s.default) === "{}" ? "—" : code(s.default);
  const [d, p] = [show(dev), show(prod)];
  return d === p ? p : `dev ${d}, prod ${p}`;
}

function walk(prod: JS, dev: JS | undefined, prefix: string, title: string, sections: Section[]): void {
  const section: Section = { title, intro: prod.description, rows: [] };
  sections.push(section);
  const visit = (p: JS, d: JS | undefined, keyPrefix: string, required: string[]) => {
    for (const [key, child] of Object.entries(p.properties ?? {})) {
      const devChild = d?.properties?.[key];
      const name = `${keyPrefix}${key}`;
      if (typeof child.$ref === "string") {
        section.rows.push({
          key: `\`${name}\``,
          type: definitionLink(child.$ref),
          defaults: "—",
          meaning: (child.description ?? "").replace(/\|/g, "\\|").replace(/\n/g, " "),
        });
        continue;
      }
      if (child.type === "object" && child.properties) {
        visit(child, devChild, `${name}.`, child.required ?? []);
        continue;
      }
      section.rows.push({
        key: `\`${name}\``,
        type: typeText(child),
        defaults: defaultText(child, devChild, required.includes(key)),
        meaning: (child.description ?? "").replace(/\|/g, "\\|").replace(/\n/g, " "),
      });
      if (child.type === "array" && child.items?.properties) {
        walk(child.items, devChild?.items, `${prefix}${name}[].`, `\`${prefix}${name}[]\``, sections);
      }
      for (const [i, member] of (child.oneOf ?? child.anyOf ?? []).entries()) {
        const provider = Object.values(member.properties ?? {}).find((v) => v.const !== undefined)?.const;
        walk(
          member,
          (devChild?.oneOf ?? devChild?.anyOf)?.[i],
          `${prefix}${name}.`,
          `\`${prefix}${name}\` (${code(provider)})`,
          sections,
        );
      }
    }
  };
  visit(prod, dev, "", prod.required ?? []);
}

/** A shared definition's heading, and a link to it (GitHub's anchor for that heading). */
function definitionTitle(def: JS, id: string): string {
  return typeof def.title === "string" ? def.title : id;
}

let definitions: Record<string, JS> = {};

function definitionLink(ref: string): string {
  const id = ref.replace("#/$defs/", "");
  const title = definitionTitle(definitions[id] ?? {}, id);
  return `[${title.toLowerCase()}](#${title
    .toLowerCase()
    .replace(/[^a-z0-9 -]/g, "")
    .replace(/ /g, "-")})`;
}

function table(rows: Row[]): string {
  const header = ["Key", "Type", "Default", "Meaning"];
  const body = rows.map((r) => [r.key, r.type, r.defaults, r.meaning]);
  const all = [header, ...body];
  const widths = header.map((_, i) => Math.max(3, ...all.map((r) => r[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(" | ")} |`;
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...body.map(line)].join("\n");
}

/** The generated reference: a table per top-level key, per list of objects and per cluster kind. */
export function referenceMarkdown(): string {
  const prod = tierJsonSchema("production");
  const dev = tierJsonSchema("development");
  definitions = (prod.$defs ?? {}) as Record<string, JS>;
  const sections: Section[] = [];
  for (const [key, child] of Object.entries(prod.properties ?? {})) {
    const devChild = dev.properties?.[key];
    if (child.oneOf ?? child.anyOf) {
      for (const [i, member] of (child.oneOf ?? child.anyOf)!.entries()) {
        const provider = Object.values(member.properties ?? {}).find((v) => v.const !== undefined)?.const;
        walk(
          member,
          (devChild?.oneOf ?? devChild?.anyOf)?.[i],
          `${key}.`,
          `\`${key}\` (provider ${code(provider)})`,
          sections,
        );
      }
    } else if (child.type === "array" && child.items) {
      walk(child.items, devChild?.items, `${key}[].`, `\`${key}[]\``, sections);
    } else {
      walk(child, devChild, `${key}.`, `\`${key}\``, sections);
    }
  }
  // Each shared definition once, after the keys that use it.
  for (const [id, def] of Object.entries(definitions)) {
    const devDef = (dev.$defs as Record<string, JS> | undefined)?.[id];
    walk(def, devDef, `${definitionTitle(def, id)}: `, definitionTitle(def, id), sections);
  }
  return sections
    .filter((s) => s.rows.length > 0)
    .map((s) => `### ${s.title}\n\n${s.intro ? `${s.intro}\n\n` : ""}${table(s.rows)}\n`)
    .join("\n");
}

export const REFERENCE_START =
  "<!-- config-reference:start (generated by `npm run docs`; edit config/schema.ts) -->";
export const REFERENCE_END = "<!-- config-reference:end -->";

/** `text` with the generated reference between the markers. */
export function withReference(text: string): string {
  const start = text.indexOf(REFERENCE_START);
  const end = text.indexOf(REFERENCE_END);
  if (start < 0 || end < start) throw new Error(`the reference markers are missing`);
  return `${text.slice(0, start + REFERENCE_START.length)}\n\n${referenceMarkdown()}\n${text.slice(end)}`;
}
