/**
 * The only module that installs Pulumi's mocks. It runs the real program in the mock
 * runtime, records every registered resource (type, name, parent, provider, options,
 * inputs) and answers with realistic computed outputs, deterministically.
 */
import { createHash } from "crypto";
import * as pulumi from "@pulumi/pulumi";
import * as runtimeSettings from "@pulumi/pulumi/runtime/settings";

export const ACCOUNT_ID = "123456789012";
const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

export interface RecordedResource {
  type: string;
  name: string;
  /** Parent's logical name, or null for the root. */
  parent: string | null;
  custom: boolean;
  /** Provider reference (`<urn>::<id>`), empty when the default provider would be used. */
  provider: string;
  protect: boolean;
  retainOnDelete: boolean;
  deleteBeforeReplace: boolean;
  ignoreChanges: string[];
  /**
   * Logical names (sorted) of every resource this one waits for: its `dependsOn` (a component
   * there stands for its children) and the resources whose outputs its inputs read.
   */
  dependsOn: string[];
  /** Inputs as the engine would receive them; secrets replaced by "[secret]". */
  inputs: Record<string, unknown>;
}

export interface ProgramRun<T> {
  resources: RecordedResource[];
  result: T;
}

export interface RunOptions {
  project: string;
  stack: string;
  /** Full config keys (`flink-platform:cluster`) to string values. */
  config: Record<string, string>;
  secretKeys: string[];
  region?: string;
}

const { waitForRPCs } = runtimeSettings as unknown as { waitForRPCs(): Promise<void> };

/**
 * Replaces secret envelopes with "[secret]" (recursively) and copies plain data. A secret map
 * (a Secret's `stringData`, which the SDK wraps whole) keeps its keys, so the manifest stays a
 * valid object and a reviewer sees which keys change; only the values are redacted.
 */
export function redactSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactSecrets);
  if (value && typeof value === "object") {
    const envelope = value as Record<string, unknown>;
    if (envelope[SECRET_SIG_KEY] === SECRET_SIG) {
      const inner = envelope.value;
      return inner && typeof inner === "object" && !Array.isArray(inner)
        ? Object.fromEntries(Object.keys(inner).map((k) => [k, "[secret]"]))
        : "[secret]";
    }
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactSecrets(v)]));
  }
  return value;
}

function hash(...parts: string[]): string {
  return createHash("sha256").update(parts.join("\0")).digest("hex");
}

function nameOf(urn: string): string {
  return urn.split("::").pop() ?? urn;
}

/** Computed outputs a real provider would add, for the types the program reads outputs of. */
function computedOutputs(type: string, name: string, inputs: Record<string, unknown>, region: string) {
  const h = hash(type, name);
  const account = ACCOUNT_ID;
  switch (type) {
    case "aws:s3/bucket:Bucket": {
      const bucket = String(inputs.bucket ?? name);
      return { id: bucket, state: { bucket, arn: `arn:aws:s3:::${bucket}`, region } };
    }
    case "aws:kms/key:Key":
      return {
        id: h.slice(0, 32),
        state: { keyId: h.slice(0, 32), arn: `arn:aws:kms:${region}:${account}:key/${h.slice(0, 32)}` },
      };
    case "aws:iam/role:Role": {
      const roleName = String(inputs.name ?? `${name}-${h.slice(0, 7)}`);
      return { id: roleName, state: { name: roleName, arn: `arn:aws:iam::${account}:role/${roleName}` } };
    }
    case "aws:eks/cluster:Cluster": {
      const id = h.slice(0, 32).toUpperCase();
      return {
        id: String(inputs.name),
        state: {
          arn: `arn:aws:eks:${region}:${account}:cluster/${inputs.name}`,
          endpoint: `https://${id}.gr7.${region}.eks.amazonaws.com`,
          certificateAuthority: { data: Buffer.from(`mock-ca-${id}`).toString("base64") },
          identities: [{ oidcs: [{ issuer: `https://oidc.eks.${region}.amazonaws.com/id/${id}` }] }],
        },
      };
    }
    case "aws:iam/openIdConnectProvider:OpenIdConnectProvider": {
      const host = String(inputs.url).replace(/^https:\/\//, "");
      return { id: host, state: { arn: `arn:aws:iam::${account}:oidc-provider/${host}` } };
    }
    case "aws:cloudwatch/logGroup:LogGroup": {
      // The provider's arn has no trailing ":*" (aws_cloudwatch_log_group arn attribute).
      const group = String(inputs.name);
      return { id: group, state: { arn: `arn:aws:logs:${region}:${account}:log-group:${group}` } };
    }
    case "aws:ec2/launchTemplate:LaunchTemplate":
      return { id: `lt-${h.slice(0, 17)}`, state: { latestVersion: 1 } };
    case "random:index/randomPassword:RandomPassword":
      return { id: "none", state: { result: h.slice(0, Number(inputs.length ?? 16)) } };
    default: {
      if (type.startsWith("aws:")) {
        const service = type.split(":")[1].split("/")[0];
        return {
          id: `${service}-${h.slice(0, 17)}`,
          state: { arn: `arn:aws:${service}:${region}:${account}:${name}` },
        };
      }
      return { id: type.startsWith("kubernetes:") ? `${name}` : `${name}-id`, state: {} };
    }
  }
}

function mockCall(token: string): Record<string, unknown> {
  switch (token) {
    case "aws:index/getCallerIdentity:getCallerIdentity":
      return {
        accountId: ACCOUNT_ID,
        arn: `arn:aws:iam::${ACCOUNT_ID}:user/ci`,
        userId: "AIDAMOCK",
        id: ACCOUNT_ID,
      };
    case "aws:index/getPartition:getPartition":
      return { partition: "aws", dnsSuffix: "amazonaws.com", id: "aws" };
    default:
      throw new Error(`the mock runtime does not answer ${token}`);
  }
}

/**
 * Runs `program` under mocks with the given config and returns what it registered. Runs
 * must not overlap (the Pulumi runtime is process-global).
 */
export async function runProgram<T>(options: RunOptions, program: () => T): Promise<ProgramRun<T>> {
  const region = options.region ?? "eu-west-1";
  const resources: RecordedResource[] = [];
  const pending = new Map<string, Omit<RecordedResource, "inputs" | "custom" | "type" | "name">>();

  pulumi.runtime.setAllConfig(options.config, options.secretKeys);
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        const inputs = args.inputs as Record<string, unknown>;
        const { id, state } = computedOutputs(args.type, args.name, inputs, region);
        const options = pending.get(`${args.type}::${args.name}`);
        resources.push({
          type: args.type,
          name: args.name,
          parent: options?.parent ?? null,
          custom: args.custom ?? false,
          provider: args.provider ?? "",
          protect: options?.protect ?? false,
          retainOnDelete: options?.retainOnDelete ?? false,
          deleteBeforeReplace: options?.deleteBeforeReplace ?? false,
          ignoreChanges: options?.ignoreChanges ?? [],
          dependsOn: options?.dependsOn ?? [],
          inputs: redactSecrets(inputs) as Record<string, unknown>,
        });
        return { id, state: { ...inputs, ...state } };
      },
      call: (args) => mockCall(args.token),
    },
    options.project,
    options.stack,
    false,
  );

  // The mock API hands newResource no options; read them off the registration request.
  type Request = {
    getType(): string;
    getName(): string;
    getParent(): string;
    getProtect(): boolean | undefined;
    getRetainondelete(): boolean | undefined;
    getDeletebeforereplace(): boolean | undefined;
    getIgnorechangesList(): string[];
    getDependenciesList(): string[];
  };
  const monitor = pulumi.runtime.getMonitor() as unknown as {
    registerResource(req: Request, callback: unknown): Promise<void>;
  };
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, callback) => {
    pending.set(`${req.getType()}::${req.getName()}`, {
      parent: req.getParent() ? nameOf(req.getParent()) : null,
      provider: "",
      protect: req.getProtect() ?? false,
      retainOnDelete: req.getRetainondelete() ?? false,
      deleteBeforeReplace: req.getDeletebeforereplace() ?? false,
      ignoreChanges: req.getIgnorechangesList(),
      dependsOn: [...new Set(req.getDependenciesList().map(nameOf))].sort(),
    });
    return register(req, callback);
  };

  const result = program();
  await waitForRPCs();
  return { resources, result };
}
