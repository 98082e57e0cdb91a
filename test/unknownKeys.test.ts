/**
 * An unknown key is reported with the keys allowed where it was written: the loader walks the
 * schema along the key's path through lists, optional and defaulted values, transforms and the
 * member of a discriminated union that the data selects.
 */
import { strict as assert } from "assert";
import { z } from "zod";
import { objectKeysAt, valueAt, zodProblems } from "../config/zodProblems";

const schema = z.strictObject({
  name: z.string(),
  jobs: z.array(z.strictObject({ name: z.string(), parallelism: z.number().optional() })).optional(),
  tuning: z.strictObject({ slots: z.number() }).default({ slots: 1 }),
  sized: z.strictObject({ memory: z.string() }).transform((x) => x.memory),
  storage: z
    .discriminatedUnion("provider", [
      z.strictObject({ provider: z.literal("s3"), bucket: z.string() }),
      z.strictObject({ provider: z.literal("local"), path: z.string() }),
    ])
    .optional(),
  either: z.union([z.strictObject({ a: z.number() }), z.strictObject({ b: z.number() })]).optional(),
});

const problems = (data: Record<string, unknown>) => {
  const input = { name: "x", sized: { memory: "1g" }, ...data };
  const parsed = schema.safeParse(input);
  assert.ok(!parsed.success, JSON.stringify(input));
  return zodProblems(parsed.error, schema, input).map((p) => `${p.path}: ${p.message}`);
};

describe("unknown keys name what is allowed where they are written", () => {
  it("at the top, in a list item, under a default and under a transform", () => {
    assert.deepEqual(problems({ zzz: 1 }), [
      'zzz: unknown key "zzz"; allowed keys: either, jobs, name, sized, storage, tuning',
    ]);
    assert.deepEqual(problems({ jobs: [{ name: "a" }, { name: "b", qqq: 1 }] }), [
      'jobs[1].qqq: unknown key "qqq"; allowed keys: name, parallelism',
    ]);
    assert.deepEqual(problems({ tuning: { slots: 2, xxx: 1 } }), [
      'tuning.xxx: unknown key "xxx"; allowed keys: slots',
    ]);
    assert.deepEqual(problems({ sized: { memory: "1g", zzz: 1 } }), [
      'sized.zzz: unknown key "zzz"; allowed keys: memory',
    ]);
  });

  it("in the member of a discriminated union that the data selects", () => {
    assert.deepEqual(problems({ storage: { provider: "s3", bucket: "b", path: "/x" } }), [
      'storage.path: unknown key "path"; allowed keys: bucket, provider',
    ]);
    assert.deepEqual(problems({ storage: { provider: "local", path: "/x", bucket: "b" } }), [
      'storage.bucket: unknown key "bucket"; allowed keys: path, provider',
    ]);
  });

  it("allows nothing it cannot find: an unselected union member, a plain union, a list, a scalar", () => {
    assert.deepEqual(objectKeysAt(schema, { storage: { provider: "gcs" } }, ["storage"]), []);
    assert.deepEqual(objectKeysAt(schema, { storage: {} }, ["storage"]), []);
    assert.deepEqual(objectKeysAt(schema, { either: { a: 1 } }, ["either"]), []);
    assert.deepEqual(objectKeysAt(schema, { jobs: [] }, ["jobs"]), []);
    assert.deepEqual(objectKeysAt(schema, { name: "x" }, ["name"]), []);
    assert.deepEqual(objectKeysAt(schema, { name: "x" }, ["name", "deeper"]), []);
    assert.deepEqual(objectKeysAt(schema, {}, ["nosuch", "deeper"]), []);
    assert.deepEqual(objectKeysAt(schema, { jobs: [{}] }, ["jobs", 0]), ["name", "parallelism"]);
  });

  it("reads a value along a path, stopping at anything that is not an object", () => {
    const data = { a: [{ b: 1 }], c: null, d: "text" };
    assert.deepEqual(valueAt(data, []), data);
    assert.equal(valueAt(data, ["a", 0, "b"]), 1);
    assert.equal(valueAt(data, ["c", "x"]), undefined);
    assert.equal(valueAt(data, ["d", "length"]), undefined);
    assert.equal(valueAt(data, ["a", 5, "b"]), undefined);
  });

  it("keeps a bound message the schema wrote itself, even one that mentions 'Too small' later", () => {
    const own = z.strictObject({ n: z.number().min(3, "needs three replicas, Too small for a quorum") });
    const parsed = own.safeParse({ n: 1 });
    assert.ok(!parsed.success);
    assert.deepEqual(
      zodProblems(parsed.error, own, { n: 1 }).map((p) => `${p.path}: ${p.message}`),
      ["n: needs three replicas, Too small for a quorum (got 1)"],
    );
  });
});
