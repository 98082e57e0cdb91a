/** Schema building blocks shared by the stack schema's modules: names, sizes, durations, CIDRs. */
import { z } from "zod";
import { parseDuration, parseSize, DURATION_HINT, SIZE_HINT } from "./units";

/** Kubernetes object name (RFC 1123 label). */
const DNS_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
export const dnsLabel = (max = 63) =>
  z
    .string()
    .max(max, { error: `must be at most ${max} characters` })
    .regex(DNS_LABEL, { error: "must be lowercase letters, digits and '-', starting with a letter" });

function toBytes(text: string, ctx: z.core.$RefinementCtx<string>): number {
  const bytes = parseSize(text);
  if (bytes === undefined || bytes === 0) {
    ctx.issues.push({ code: "custom", input: text, message: `"${text}" is not a size: use ${SIZE_HINT}` });
    return z.NEVER;
  }
  return bytes;
}

function toMillis(text: string, ctx: z.core.$RefinementCtx<string>): number {
  const ms = parseDuration(text);
  if (ms === undefined || ms === 0) {
    ctx.issues.push({
      code: "custom",
      input: text,
      message: `"${text}" is not a duration: use ${DURATION_HINT}`,
    });
    return z.NEVER;
  }
  return ms;
}

/** A size as written (`2g`, `512Mi`), parsed to bytes; `format` names it in the JSON Schema. */
export const size = z.string().meta({ format: "size" }).transform(toBytes);
/** A size with a default written the same way, so editors and the reference show `2g`, not bytes. */
export const sizeDefault = (text: string) =>
  z.string().meta({ format: "size" }).default(text).transform(toBytes);
export const duration = z.string().meta({ format: "duration" }).transform(toMillis);
export const durationDefault = (text: string) =>
  z.string().meta({ format: "duration" }).default(text).transform(toMillis);

/** Cores; Kubernetes keeps millicores, so anything below 0.001 would become a zero request. */
export const cpu = z.number().min(0.001).max(256);
export const count = (min: number, max: number) => z.int().min(min).max(max);
/** A fraction strictly between 0 and 1, with its default. */
export const ratio = (fallback: number) => z.number().gt(0).lt(1).default(fallback);

const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;
export const cidr = z
  .string()
  .meta({ format: "ipv4-cidr" })
  .refine(
    (text) => {
      const m = CIDR.exec(text);
      return !!m && m.slice(1, 5).every((o) => Number(o) <= 255) && Number(m[5]) <= 32;
    },
    { error: (iss) => `"${String(iss.input)}" is not an IPv4 CIDR such as 203.0.113.0/24` },
  );
