/**
 * Test harness: renders stack files (or variations of them) through the real program under
 * the single mock runtime, and small helpers for reading what was registered.
 */
import { readFileSync } from "fs";
import { parse, stringify } from "yaml";
import { RecordedResource } from "../tools/offline/mockRuntime";
import { renderConfig, RenderResult } from "../tools/offline/render";
import { parseStackFile } from "../tools/offline/stackFile";
import { validateStack, Validation } from "../config/load";
import { STACK_CHECKS } from "../components/platform/stackChecks";

export type StackDoc = { config: Record<string, unknown> };

export function loadStackDoc(stack: "dev" | "staging" | "prod"): StackDoc {
  return parse(readFileSync(`Pulumi.${stack}.yaml`, "utf8")) as StackDoc;
}

/**
 * Prod with a fixed Flink node group instead of Karpenter: for checks that are about node groups.
 */
export function withFlinkNodeGroup(c: Record<string, any>): void {
  delete c.cluster.karpenter;
  c.cluster.nodeGroups.flink = {
    instanceTypes: ["m6i.2xlarge", "m7i.2xlarge"],
    minSize: 3,
    desiredSize: 14,
    maxSize: 20,
  };
  for (const ns of c.namespaces) delete ns.taskManagerCapacity;
}

/** A shipped stack file with `edit` applied to its config (keys without the `flink-platform:` prefix). */
export function stackVariant(
  stack: "dev" | "staging" | "prod",
  edit: (c: Record<string, any>) => void = () => {},
): string {
  const doc = loadStackDoc(stack);
  const plain: Record<string, any> = {};
  for (const [k, v] of Object.entries(doc.config)) plain[k.replace(/^flink-platform:/, "")] = v;
  edit(plain);
  const config = Object.fromEntries(
    Object.entries(plain).map(([k, v]) => [k.includes(":") ? k : `flink-platform:${k}`, v]),
  );
  return stringify({ config });
}

/** Prod with HTTPS egress kept inside the VPC, with every interface endpoint its components call. */
export function prodWithVpcOnlyEgress(): string {
  return stackVariant("prod", (c) => {
    c.cluster.httpsEgress = "vpc";
    // sts, ECR, EC2 and logs for the platform; ELB and ACM for the UI's load balancer controller;
    // SQS and SSM for Karpenter's interruption queue and AMI parameters.
    c.cluster.interfaceEndpoints = [
      "sts",
      "ecr.api",
      "ecr.dkr",
      "ec2",
      "logs",
      "elasticloadbalancing",
      "acm",
      "sqs",
      "ssm",
    ];
  });
}

const cache = new Map<string, Promise<RenderResult>>();

/**
 * Renders stack-file text; identical texts share one run (each run is ~1 s). Under `npm run
 * mutate` only renders of Stryker's unmutated first pass are cached and serve every mutant (so
 * rendered tests cannot kill mutants there: the score is what the pure tests catch); a render a
 * restarted test runner needs while a mutant is active runs with that mutant and is not kept.
 */
export function render(text: string, stack = "test"): Promise<RenderResult> {
  const key = `${stack}\0${text}`;
  const stryker = (globalThis as { __stryker__?: { activeMutant?: string } }).__stryker__;
  if (stryker?.activeMutant !== undefined && !cache.has(key))
    return renderConfig(stack, parseStackFile(text));
  if (!cache.has(key)) cache.set(key, renderConfig(stack, parseStackFile(text)));
  return cache.get(key)!;
}

export function validate(text: string): Validation {
  const { config, secretKeys } = parseStackFile(text);
  const raw: Record<string, string> = {};
  const secrets = new Set<string>();
  for (const [k, v] of Object.entries(config)) {
    if (!k.startsWith("flink-platform:")) continue;
    raw[k.slice("flink-platform:".length)] = v;
    if (secretKeys.includes(k)) secrets.add(k.slice("flink-platform:".length));
  }
  return validateStack(raw, secrets, STACK_CHECKS);
}

/** Problems as printed lines, or [] when valid. */
export function problemsOf(text: string): string[] {
  const v = validate(text);
  return v.ok ? [] : v.problems.map((p) => `flink-platform:${p.path}: ${p.message}`);
}

export function ofType(resources: RecordedResource[], type: string): RecordedResource[] {
  return resources.filter((r) => r.type === type);
}

export function one(resources: RecordedResource[], type: string, nameSuffix = ""): RecordedResource {
  const found = resources.filter((r) => r.type === type && r.name.endsWith(nameSuffix));
  if (found.length !== 1) throw new Error(`expected one ${type} *${nameSuffix}, found ${found.length}`);
  return found[0];
}

export function manifest(resources: RecordedResource[], kind: string, name: string, namespace?: string): any {
  const found = resources.filter((r) => {
    const m = r.inputs as any;
    return (
      m.kind === kind &&
      m.metadata?.name === name &&
      (namespace === undefined || m.metadata?.namespace === namespace)
    );
  });
  if (found.length !== 1)
    throw new Error(`expected one ${kind} ${namespace ?? ""}/${name}, found ${found.length}`);
  return found[0].inputs;
}

/** Parses a JSON policy input (IAM policies are JSON strings). */
export function policyDoc(r: RecordedResource, key = "policy"): any {
  return JSON.parse(String(r.inputs[key]));
}
