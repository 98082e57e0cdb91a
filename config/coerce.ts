/**
 * `pulumi config set --path 'flink-platform:flink.jobManager.cpu' 0.5` stores the string "0.5"
 * (the CLI keeps what it cannot read as an integer or a boolean as text). Before validation,
 * strings that hold a number where the schema expects a number (and "true"/"false" where it
 * expects a boolean) become that number or boolean, and a number or boolean the CLI stored where
 * the schema expects text (a flinkConfiguration value, an enum such as a version) becomes text;
 * the schema's own checks and messages then apply as usual.
 */
import { z } from "zod";

type AnySchema = z.core.$ZodType;
type Def = Record<string, unknown> & { type: string };

const NUMERIC = /^\s*-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*$/;

function defOf(schema: AnySchema): Def {
  return schema._zod.def as unknown as Def;
}

export function coerceScalars(schema: AnySchema, value: unknown): unknown {
  const def = defOf(schema);
  switch (def.type) {
    case "optional":
    case "default":
    case "prefault":
    case "nullable":
    case "readonly":
      return coerceScalars(def.innerType as AnySchema, value);
    case "pipe":
      return coerceScalars(def.in as AnySchema, value);
    case "number":
      return typeof value === "string" && NUMERIC.test(value) ? Number(value) : value;
    case "boolean":
      return value === "true" ? true : value === "false" ? false : value;
    case "string":
    case "enum":
      return typeof value === "number" || typeof value === "boolean" ? String(value) : value;
    case "array":
      return Array.isArray(value) ? value.map((v) => coerceScalars(def.element as AnySchema, v)) : value;
    case "record":
      return isObject(value)
        ? Object.fromEntries(
            Object.entries(value).map(([k, v]) => [k, coerceScalars(def.valueType as AnySchema, v)]),
          )
        : value;
    case "object": {
      if (!isObject(value)) return value;
      const shape = def.shape as Record<string, AnySchema>;
      return Object.fromEntries(
        Object.entries(value).map(([k, v]) => [k, shape[k] ? coerceScalars(shape[k], v) : v]),
      );
    }
    case "union": {
      // A discriminated union: coerce with the member the discriminator picks.
      const key = def.discriminator as string | undefined;
      if (!key || !isObject(value)) return value;
      const member = (def.options as AnySchema[]).find((o) => {
        const lit = (defOf(o).shape as Record<string, AnySchema> | undefined)?.[key];
        return (lit && (defOf(lit).values as unknown[] | undefined))?.includes(value[key]);
      });
      return member ? coerceScalars(member, value) : value;
    }
    default:
      return value;
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === "object" && !Array.isArray(v);
}
