/** Turns zod issues into problems that say what is wrong, what was given and what is allowed. */
import { z } from "zod";
import { Problem, PathSegment, problem, unknownKeyMessage } from "./problems";

type Issue = z.core.$ZodIssue;
type AnySchema = z.core.$ZodType;

export function zodProblems(error: z.ZodError, schema: AnySchema, data: unknown): Problem[] {
  return error.issues.flatMap((issue) => issueProblems(issue, schema, data));
}

function issueProblems(issue: Issue, schema: AnySchema, data: unknown): Problem[] {
  const path = issue.path as PathSegment[];
  const given = describe(valueAt(data, path));
  switch (issue.code) {
    case "unrecognized_keys": {
      const allowed = objectKeysAt(schema, data, path);
      return issue.keys.map((key) => problem([...path, key], unknownKeyMessage(key, allowed)));
    }
    case "invalid_type":
      // A field the platform owns (z.never with the rule as its message).
      if (issue.expected === "never") return [problem(path, `cannot be set: ${issue.message}`)];
      return [
        problem(
          path,
          valueAt(data, path) === undefined
            ? `is required (${issue.expected})`
            : `must be ${article(issue.expected)} (got ${given})`,
        ),
      ];
    case "invalid_value":
      return [
        problem(
          path,
          `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")} (got ${given})`,
        ),
      ];
    case "too_small":
      // A message the schema wrote itself says more than the generic bound.
      if (!/^Too small/.test(issue.message)) return [problem(path, `${issue.message} (got ${given})`)];
      return [
        problem(path, `${bound(issue.origin, "at least", issue.minimum, issue.inclusive)} (got ${given})`),
      ];
    case "too_big":
      return [
        problem(path, `${bound(issue.origin, "at most", issue.maximum, issue.inclusive)} (got ${given})`),
      ];
    default: // invalid_union and the rest carry their own message
      return [problem(path, issue.message)];
  }
}

function bound(origin: string, word: string, limit: number | bigint, inclusive = true): string {
  if (origin === "array") return `must have ${word} ${limit} item${limit === 1 ? "" : "s"}`;
  if (origin === "string") return `must be ${word} ${limit} characters`;
  const strict = word === "at least" ? "greater than" : "less than";
  return `must be ${inclusive ? word : strict} ${limit}`;
}

function article(expected: string): string {
  if (expected === "int") return "a whole number";
  if (expected === "array") return "a list";
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

function describe(value: unknown): string {
  if (value === undefined) return "nothing";
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

export function valueAt(data: unknown, path: readonly PathSegment[]): unknown {
  let cur = data;
  for (const seg of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string | number, unknown>)[seg];
  }
  return cur;
}

/** The keys the strict object at `path` allows, found by walking schema and data together. */
export function objectKeysAt(schema: AnySchema, data: unknown, path: readonly PathSegment[]): string[] {
  let node = unwrap(schema, data);
  let value = data;
  for (const seg of path) {
    if (!node) return [];
    const def = node._zod.def as unknown as Record<string, unknown>;
    const child = (def.type === "object" ? (def.shape as Record<string, AnySchema>)[seg] : def.element) as
      AnySchema | undefined;
    value = valueAt(value, [seg]);
    node = child && unwrap(child, value);
  }
  if (!node) return [];
  const def = node._zod.def as unknown as { type: string; shape: Record<string, unknown> };
  return def.type === "object" ? Object.keys(def.shape) : [];
}

/** Strips optional/default/pipe wrappers and picks the union member the data selects. */
function unwrap(schema: AnySchema, value: unknown): AnySchema | undefined {
  let node = schema;
  for (;;) {
    const def = node._zod.def as unknown as Record<string, unknown>;
    if (def.innerType) node = def.innerType as AnySchema;
    else if (def.type === "pipe") node = def.in as AnySchema;
    else if (def.type === "union") {
      const options = def.options as AnySchema[];
      const key = def.discriminator as string | undefined;
      const chosen = key
        ? options.find((o) => {
            const shape = (o._zod.def as unknown as { shape?: Record<string, AnySchema> }).shape;
            const lit = shape?.[key]?._zod.def as unknown as { values?: unknown[] } | undefined;
            return lit?.values?.includes(valueAt(value, [key]));
          })
        : undefined;
      if (!chosen) return undefined;
      node = chosen;
    } else return node;
  }
}
