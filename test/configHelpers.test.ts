/**
 * The config loader's helpers, each against the behaviour a user sees: CLI strings read as the
 * schema's types, removed keys named, the registry's tier lock, CIDR arithmetic and the wording
 * of schema problems.
 */
import { strict as assert } from "assert";
import { mkdtempSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { z } from "zod";
import { loadStackDoc, problemsOf, stackVariant } from "./harness";
import { coerceScalars } from "../config/coerce";
import { addressesCovered, cidrRange } from "../config/cidrs";
import { readRegistry, registryProblems } from "../config/stacks";
import { removedKeyProblems, withoutRemovedKeys } from "../config/removed";
import { zodProblems } from "../config/zodProblems";
import { ConfigError, unknownKeyMessage } from "../config/problems";
import {
  formatDuration,
  formatFlinkSize,
  formatMiB,
  formatQuantity,
  parseDuration,
  parseSize,
} from "../config/units";
import { flinkPodRequests, taskManagersFor } from "../config/capacity";
import { validateStack } from "../config/load";

const ip = (a: number, b: number, c: number, d: number) => ((a * 256 + b) * 256 + c) * 256 + d;

describe("config helpers", () => {
  describe("CLI strings coerced to the schema's types", () => {
    it("reads numbers and booleans through optional, default, nullable, readonly and pipe wrappers", () => {
      const schema = z.strictObject({
        cpu: z.number().optional(),
        slots: z.number().default(1),
        ratio: z.number().nullable(),
        frozen: z.number().readonly(),
        piped: z.string().pipe(z.string()),
        trimmed: z.number().pipe(z.number()),
        on: z.boolean(),
        off: z.boolean().optional(),
      });
      assert.deepEqual(
        coerceScalars(schema, {
          cpu: "0.5",
          slots: " 4 ",
          ratio: "-.25",
          frozen: "1e3",
          piped: 7,
          trimmed: "2.",
          on: "true",
          off: "false",
        }),
        { cpu: 0.5, slots: 4, ratio: -0.25, frozen: 1000, piped: "7", trimmed: 2, on: true, off: false },
      );
    });

    it("leaves text that is not a number or a boolean for the schema to refuse", () => {
      const schema = z.strictObject({ cpu: z.number(), on: z.boolean(), list: z.array(z.number()) });
      const out = coerceScalars(schema, { cpu: "half", on: "yes", list: ["1", "x"], extra: "3" });
      assert.deepEqual(out, { cpu: "half", on: "yes", list: [1, "x"], extra: "3" });
      for (const text of ["1.2.3", "1e", "0x10", "", "- 1"])
        assert.equal(coerceScalars(z.number(), text), text, text);
      assert.equal(coerceScalars(z.boolean(), true), true);
      assert.deepEqual(coerceScalars(z.string(), { a: 1 }), { a: 1 }, "only scalars become text");
      assert.equal(coerceScalars(z.string(), null), null);
      assert.equal(coerceScalars(z.boolean(), "TRUE"), "TRUE");
    });

    it("turns numbers and booleans the CLI stored into text where the schema wants text", () => {
      const schema = z.strictObject({
        conf: z.record(z.string(), z.string()),
        version: z.enum(["1.20", "2.0"]),
        name: z.string(),
      });
      assert.deepEqual(coerceScalars(schema, { conf: { a: 1, b: true }, version: 2.0, name: false }), {
        conf: { a: "1", b: "true" },
        version: "2",
        name: "false",
      });
    });

    it("picks a discriminated union's member by its discriminator", () => {
      const schema = z.discriminatedUnion("kind", [
        z.strictObject({ kind: z.literal("a"), n: z.number() }),
        z.strictObject({ kind: z.literal("b"), n: z.string() }),
      ]);
      assert.deepEqual(coerceScalars(schema, { kind: "a", n: "3" }), { kind: "a", n: 3 });
      assert.deepEqual(coerceScalars(schema, { kind: "b", n: 3 }), { kind: "b", n: "3" });
      assert.deepEqual(coerceScalars(schema, { kind: "c", n: "3" }), { kind: "c", n: "3" });
    });
  });

  describe("removed keys", () => {
    it("names a removed key where it is set, and only there", () => {
      const problems = removedKeyProblems({ storage: { bucketName: "x", objectStore: { bucket: "y" } } });
      assert.deepEqual(
        problems.map((p) => p.path),
        ["storage.bucketName", "storage.objectStore.bucket"],
      );
      assert.match(problems[0].message, /replaced by storage\.bucketPrefix/);
      for (const config of [
        {},
        { storage: "text" },
        { storage: null },
        { storage: ["bucketName"] },
        { storage: { objectStore: ["bucket"] } },
        { storage: { objectStore: null } },
        { storage: { bucketPrefix: "x", objectStore: { bucketPrefix: "y" } } },
      ])
        assert.deepEqual(removedKeyProblems(config as Record<string, unknown>), [], JSON.stringify(config));
    });

    it("drops removed keys from a copy for the schema, keeping every other key", () => {
      const config = {
        storage: { bucketName: "x", bucketPrefix: "p", objectStore: { bucket: "y", enabled: true } },
      };
      assert.deepEqual(withoutRemovedKeys(config), {
        storage: { bucketPrefix: "p", objectStore: { enabled: true } },
      });
      assert.equal(config.storage.bucketName, "x", "the caller's config is not changed");
      assert.deepEqual(withoutRemovedKeys({ storage: ["bucketName"] }), { storage: ["bucketName"] });
      assert.deepEqual(withoutRemovedKeys({ storage: null }), { storage: null });
    });
  });

  describe("the stack registry's tier lock", () => {
    it("refuses a registered stack whose file claims another tier, naming both", () => {
      const registry = { prod: { tier: "production" as const } };
      const [p, ...rest] = registryProblems("prod", "development", registry);
      assert.equal(rest.length, 0);
      assert.equal(p.path, "environment.tier");
      assert.equal(
        p.message,
        'stack "prod" is registered as production in stacks.json; its tier may not be development ' +
          "(protection and policies follow the registered tier; changing it is a change to stacks.json)",
      );
      assert.deepEqual(registryProblems("prod", "production", registry), []);
      assert.deepEqual(
        registryProblems("sandbox", "development", registry),
        [],
        "unregistered stacks are free",
      );
    });

    it("reads stacks.json without its $comment", () => {
      const root = mkdtempSync(join(tmpdir(), "registry-"));
      writeFileSync(
        join(root, "stacks.json"),
        JSON.stringify({ $comment: "x", qa: { tier: "development" }, live: { tier: "production" } }),
      );
      assert.deepEqual(readRegistry(root), { qa: { tier: "development" }, live: { tier: "production" } });
      assert.deepEqual(
        readRegistry().prod,
        { tier: "production" },
        "the repository's own registry by default",
      );
    });
  });

  describe("sizes, durations and pod requests", () => {
    const MiB = 2 ** 20;
    it("writes each size exactly in the largest unit that divides it", () => {
      assert.equal(formatQuantity(0), "0");
      assert.equal(formatQuantity(2 * 2 ** 40), "2Ti");
      assert.equal(formatQuantity(3 * 2 ** 30), "3Gi");
      assert.equal(formatQuantity(1536 * MiB), "1536Mi");
      assert.equal(formatQuantity(3 * 1024), "3Ki");
      assert.equal(formatQuantity(1000), "1000");
      assert.equal(formatFlinkSize(2 * 2 ** 30), "2g");
      assert.equal(formatFlinkSize(2 ** 40), "1024g", "Flink has no t");
      assert.equal(formatFlinkSize(1600 * MiB), "1600m");
      assert.equal(formatFlinkSize(5 * 1024), "5k");
      assert.equal(formatFlinkSize(1000), "1000b");
      assert.equal(formatMiB(1536 * MiB), "1536Mi");
      assert.equal(formatMiB(1.5 * MiB + 1), "1.5Mi");
    });

    it("reads sizes in every unit, case-insensitively, and nothing else", () => {
      assert.equal(parseSize("1024"), 1024);
      assert.equal(parseSize(" 2 Gi "), 2 * 2 ** 30);
      assert.equal(parseSize("512MI"), 512 * MiB);
      assert.equal(parseSize("4k"), 4096);
      assert.equal(parseSize("1t"), 2 ** 40);
      assert.equal(parseSize("9999999999999g"), undefined, "beyond exact integers");
      assert.equal(parseSize("2 gigs"), undefined);
      assert.equal(parseSize("-2g"), undefined);
    });

    it("reads and writes Flink durations", () => {
      assert.equal(parseDuration("250 ms"), 250);
      assert.equal(parseDuration("30sec"), 30_000);
      assert.equal(parseDuration("5 min"), 300_000);
      assert.equal(parseDuration("5m"), 300_000);
      assert.equal(parseDuration("2d"), 172_800_000);
      assert.equal(parseDuration("5 mins"), undefined);
      assert.equal(formatDuration(172_800_000), "2 d");
      assert.equal(formatDuration(21_600_000), "6 h");
      assert.equal(formatDuration(90_000), "90 s");
      assert.equal(formatDuration(120_000), "2 min");
      assert.equal(formatDuration(1500), "1500 ms");
    });

    it("TaskManagers are ⌈parallelism ÷ slots⌉, and nonsense is refused", () => {
      assert.equal(taskManagersFor(12, 4), 3);
      assert.equal(taskManagersFor(13, 4), 4);
      assert.equal(taskManagersFor(1, 4), 1);
      assert.throws(() => taskManagersFor(0, 4), /parallelism and slots must be positive \(got 0, 4\)/);
      assert.throws(() => taskManagersFor(4, 0), /got 4, 0/);
    });

    it("a pod asks for its containers together, or its largest init container if larger", () => {
      const pod = (sidecars: object[], initContainers: object[]) =>
        flinkPodRequests({
          cpu: 1,
          memoryBytes: 2048 * MiB,
          ephemeralStorageBytes: 100,
          pod: { sidecars, initContainers } as any,
        });
      assert.deepEqual(pod([{ resources: { cpu: 0.1, memory: 64 * MiB, ephemeralStorage: 10 } }], []), {
        cpu: 1.1,
        memoryBytes: 2112 * MiB,
        ephemeralBytes: 110,
      });
      assert.deepEqual(pod([], [{ resources: { cpu: 2, memory: 512 * MiB, ephemeralStorage: 500 } }]), {
        cpu: 2,
        memoryBytes: 2048 * MiB,
        ephemeralBytes: 500,
      });
      assert.deepEqual(pod([], [{ resources: { cpu: 0.5, memory: 4096 * MiB } }]), {
        cpu: 1,
        memoryBytes: 4096 * MiB,
        ephemeralBytes: 100,
      });
    });
  });

  describe("CIDR arithmetic", () => {
    it("gives a CIDR's first and last address, host bits ignored", () => {
      assert.deepEqual(cidrRange("10.0.1.77/24"), [ip(10, 0, 1, 0), ip(10, 0, 1, 255)]);
      assert.deepEqual(cidrRange("192.168.0.5/32"), [ip(192, 168, 0, 5), ip(192, 168, 0, 5)]);
      assert.deepEqual(cidrRange("0.0.0.0/0"), [0, 2 ** 32 - 1]);
    });

    it("counts addresses once across overlapping ranges, in any order", () => {
      assert.equal(addressesCovered(["10.0.1.0/24", "10.0.0.0/16", "10.0.2.0/24"]), 2 ** 16);
      assert.equal(addressesCovered(["10.0.2.0/24", "10.0.0.0/24"]), 512);
      assert.equal(addressesCovered(["10.0.0.128/25", "10.0.0.0/24", "10.0.0.0/25"]), 256);
      assert.equal(addressesCovered([]), 0);
    });
  });

  describe("schema problems in words", () => {
    const schema = z.strictObject({
      tags: z.array(z.string()).min(2).max(3),
      one: z.array(z.string()).min(1),
      name: z.string().min(3).max(5),
      count: z.int(),
      list: z.array(z.number()),
      ratio: z.number().gt(0).lt(1),
      size: z.number().min(1).max(10),
      mode: z.union([z.literal("a"), z.number()]),
      limits: z.strictObject({ cpu: z.number() }).optional(),
    });
    const wording = (data: Record<string, unknown>) => {
      const base = {
        tags: ["a", "b"],
        one: ["x"],
        name: "abc",
        count: 1,
        list: [],
        ratio: 0.5,
        size: 1,
        mode: "a",
      };
      const input = { ...base, ...data };
      const parsed = schema.safeParse(input);
      assert.ok(!parsed.success);
      return zodProblems(parsed.error, schema, input).map((p) => `${p.path}: ${p.message}`);
    };

    it("says bounds in items, characters and values, strict or inclusive", () => {
      assert.deepEqual(wording({ tags: ["a"] }), ['tags: must have at least 2 items (got ["a"])']);
      assert.deepEqual(wording({ tags: ["a", "b", "c", "d"] }), [
        'tags: must have at most 3 items (got ["a","b","c","d"])',
      ]);
      assert.deepEqual(wording({ one: [] }), ["one: must have at least 1 item (got [])"]);
      assert.deepEqual(wording({ name: "ab" }), ['name: must be at least 3 characters (got "ab")']);
      assert.deepEqual(wording({ name: "abcdef" }), ['name: must be at most 5 characters (got "abcdef")']);
      assert.deepEqual(wording({ ratio: 0 }), ["ratio: must be greater than 0 (got 0)"]);
      assert.deepEqual(wording({ ratio: 1 }), ["ratio: must be less than 1 (got 1)"]);
      assert.deepEqual(wording({ size: 0 }), ["size: must be at least 1 (got 0)"]);
      assert.deepEqual(wording({ size: 11 }), ["size: must be at most 10 (got 11)"]);
    });

    it("names the expected type with its article, or says the key is required", () => {
      assert.deepEqual(wording({ count: 1.5 }), ["count: must be a whole number (got 1.5)"]);
      assert.deepEqual(wording({ list: "1,2" }), ['list: must be a list (got "1,2")']);
      assert.deepEqual(wording({ count: undefined }), ["count: is required (number)"]);
      assert.deepEqual(wording({ tags: { a: 1 } }), ['tags: must be a list (got {"a":1})']);
      assert.deepEqual(wording({ name: 5 }), ["name: must be a string (got 5)"]);
      assert.deepEqual(wording({ tags: ["a", 1] }), ["tags[1]: must be a string (got 1)"]);
      assert.deepEqual(wording({ limits: 2 }), ["limits: must be an object (got 2)"]);
      assert.deepEqual(wording({ size: "x".repeat(70) }), [
        `size: must be a number (got "${"x".repeat(56)}...)`,
      ]);
    });

    it("passes a union's own message through", () => {
      const [p, ...rest] = wording({ mode: true });
      assert.equal(rest.length, 0);
      assert.match(p, /^mode: Invalid input/);
    });
  });

  it("refuses a secret on any key but an alert receiver's, since it would be written in plain text", () => {
    const secret = stackVariant("dev", (c) => (c.ui = { secure: "AAABAcipher" }));
    assert.deepEqual(problemsOf(secret), [
      "flink-platform:ui: holds a secret (`secure:`) value, which the platform would write in plain text into Kubernetes objects; " +
        "keep credentials in Kubernetes Secrets and reference them from the pod (jobs' env from a Secret)",
      'flink-platform:ui: must be an object (got "[secure placeholder for flink-platform:ui]")',
    ]);
  });

  it("suggests the closest key, or lists every allowed key when none is close", () => {
    assert.equal(
      unknownKeyMessage("paralellism", ["parallelism", "name"]),
      'unknown key "paralellism" (did you mean "parallelism"?)',
    );
    assert.equal(
      unknownKeyMessage("PARALLELISM", ["parallelism"]),
      'unknown key "PARALLELISM" (did you mean "parallelism"?)',
    );
    assert.equal(
      unknownKeyMessage("zzz", ["name", "jarURI", "args"]),
      'unknown key "zzz"; allowed keys: args, jarURI, name',
    );
    assert.equal(unknownKeyMessage("zzz", []), 'unknown key "zzz"; allowed keys: ');
    assert.equal(
      unknownKeyMessage("parallel", ["parallelism", "name"]),
      'unknown key "parallel" (did you mean "parallelism"?)',
    );
    assert.equal(
      unknownKeyMessage("abc", ["xyz"]),
      'unknown key "abc"; allowed keys: xyz',
      "closest, but not close",
    );
  });

  it("counts the problems it carries, in words", () => {
    const one = new ConfigError([{ path: "a", message: "x" }]);
    assert.equal(one.message, "Invalid stack configuration (1 problem):\n  flink-platform:a: x");
    const two = new ConfigError([
      { path: "a", message: "x" },
      { path: "b[0]", message: "y" },
    ]);
    assert.equal(
      two.message,
      "Invalid stack configuration (2 problems):\n  flink-platform:a: x\n  flink-platform:b[0]: y",
    );
    assert.equal(two.name, "ConfigError");
  });

  it("mount paths: absolute, subPaths relative, neither climbing out with '..'", () => {
    const mount = (m: object) =>
      problemsOf(
        stackVariant("dev", (c) => {
          c.namespaces[0].jobs[0].pod = {
            volumes: [{ name: "scratch", emptyDir: { sizeLimit: "1Gi" } }],
            volumeMounts: [{ name: "scratch", mountPath: "/scratch", ...m }],
          };
        }),
      );
    const at = "flink-platform:namespaces[0].jobs[0].pod.volumeMounts[0]";
    assert.deepEqual(mount({}), []);
    assert.deepEqual(mount({ mountPath: "/etc/../root" }), [`${at}.mountPath: must not contain '..'`]);
    assert.deepEqual(mount({ mountPath: "/a..b/c.." }), [], "'..' inside a name is a name");
    assert.deepEqual(mount({ subPath: "data/../../etc" }), [`${at}.subPath: must not contain '..'`]);
  });

  it("an environment variable takes exactly one source", () => {
    const env = (e: object) =>
      problemsOf(stackVariant("dev", (c) => (c.namespaces[0].jobs[0].pod = { env: [{ name: "X", ...e }] })));
    const at = "flink-platform:namespaces[0].jobs[0].pod.env[0]";
    assert.deepEqual(env({}), [
      `${at}: set exactly one of value, secretKeyRef, configMapKeyRef for an environment variable`,
    ]);
    assert.deepEqual(env({ value: "1", configMapKeyRef: { name: "m", key: "k" } }), [
      `${at}: set exactly one of value, secretKeyRef, configMapKeyRef for an environment variable (got value, configMapKeyRef)`,
    ]);
    assert.deepEqual(env({ value: "1" }), []);
  });

  it("egress rules: one destination kind, labels only with a namespace, ranges upwards", () => {
    const egress = (rule: object) =>
      problemsOf(
        stackVariant(
          "dev",
          (c) => (c.namespaces[0].egress = [{ name: "db", ports: [{ port: 5432 }], ...rule }]),
        ),
      );
    assert.deepEqual(egress({ cidrs: ["10.8.0.0/16"], podLabels: { app: "x" } }), [
      "flink-platform:namespaces[0].egress[0].podLabels: podLabels needs namespace",
    ]);
    assert.deepEqual(egress({ cidrs: ["10.8.0.0/16"], namespace: "db" }), [
      "flink-platform:namespaces[0].egress[0]: set exactly one of cidrs (outside the cluster) or namespace",
    ]);
    assert.deepEqual(egress({ namespace: "db", ports: [{ port: 9098, endPort: 9092 }] }), [
      "flink-platform:namespaces[0].egress[0].ports[0].endPort: must not be below port 9098 (got 9092)",
    ]);
    assert.deepEqual(
      egress({ namespace: "db", podLabels: { app: "x" }, ports: [{ port: 9092, endPort: 9092 }] }),
      [],
    );
  });

  describe("raw values from the runtime", () => {
    /** dev's config as the runtime hands it over: each top-level value a JSON string. */
    const base = (): Record<string, string> =>
      Object.fromEntries(
        Object.entries(loadStackDoc("dev").config).map(([k, v]) => [
          k.replace(/^flink-platform:/, ""),
          JSON.stringify(v),
        ]),
      );
    const lines = (raw: Record<string, string>, secrets: string[] = []) => {
      const v = validateStack(raw, new Set(secrets));
      return v.ok ? [] : v.problems.map((p) => `${p.path}: ${p.message}`);
    };
    const withReceiver = {
      ...base(),
      monitoring: JSON.stringify({ receivers: [{ name: "chat", type: "slack", secretKey: "chatUrl" }] }),
    };

    it("takes a receiver's key only as a secret, and no other unknown key", () => {
      assert.deepEqual(lines({ ...withReceiver, chatUrl: "https://hooks" }, ["chatUrl"]), []);
      assert.deepEqual(lines({ ...withReceiver, chatUrl: "https://hooks" }), [
        "chatUrl: holds a credential, so it must be set with `pulumi config set --secret`",
      ]);
      assert.match(lines({ ...base(), chatUrl: "x" }).join("\n"), /^chatUrl: unknown key "chatUrl"/);
      const notAList = lines({ ...base(), monitoring: JSON.stringify({ receivers: "chat" }), chatUrl: "x" });
      assert.ok(
        notAList.some((l) => l.startsWith('chatUrl: unknown key "chatUrl"')),
        notAList.join("\n"),
      );
    });

    it("refuses __proto__ inside lists too, and lists problems in key order, numbers as numbers", () => {
      const raw = base();
      const withProto = raw.namespaces.replace('"args":[', '"args":[{"__proto__":1},');
      assert.notEqual(withProto, raw.namespaces);
      assert.deepEqual(lines({ ...raw, namespaces: withProto }), [
        'namespaces[0].jobs[0].args[0].__proto__: the key "__proto__" is not allowed',
      ]);
      const many = JSON.parse(raw.namespaces);
      while (many.length < 11) many.push({ ...many[1], name: `team-${many.length}` });
      many[10].quota = { cpu: -1, memory: "1Gi" };
      many[2].quota = { cpu: -1, memory: "1Gi" };
      const paths = lines({ ...raw, namespaces: JSON.stringify(many) }).map((l) => l.split(":")[0]);
      assert.deepEqual(paths, ["namespaces[2].quota.cpu", "namespaces[10].quota.cpu"]);
    });
  });

  it("refuses reserved namespace names, the platform's and Kubernetes'", () => {
    for (const name of ["monitoring", "kube-public", "flink-ha"]) {
      const problems = problemsOf(stackVariant("dev", (c) => (c.namespaces[0].name = name)));
      assert.ok(
        problems.includes(
          `flink-platform:namespaces[0].name: "${name}" is reserved (Kubernetes' kube-* and default, and the platform's ` +
            "flink-operator, flink-ha, flink-storage, monitoring, cert-manager, logging, node-exporter); choose a team name",
        ),
        problems.join("\n"),
      );
    }
  });
});
