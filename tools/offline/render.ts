/**
 * Offline render: runs the real program for a stack under the mock runtime and writes what
 * `pulumi up` would register (resources.json), the Kubernetes manifests, the Helm releases
 * and report.json. Deterministic: two runs produce identical bytes.
 */
import { mkdirSync, rmSync, writeFileSync } from "fs";
import { join } from "path";
import { stringify } from "yaml";
import { ConfigError } from "../../config";
import { platformProgram, PlatformProgram } from "../../components/platform/program";
import { RecordedResource, runProgram } from "./mockRuntime";
import { readStackFile, StackFileConfig } from "./stackFile";
import { buildReport, Report } from "./report";
import { formatQuantity } from "../../config/units";
import { ResourceRecord } from "./review/records";

export const PROJECT = "flink-platform";
const HELM_RELEASE = "kubernetes:helm.sh/v3:Release";

export interface RenderResult {
  resources: RecordedResource[];
  program: PlatformProgram;
  report: Report;
}

/** Runs the program for a stack file; throws ConfigError when the config is invalid. */
export async function renderStack(stack: string, configFile: string): Promise<RenderResult> {
  return renderConfig(stack, readStackFile(configFile));
}

/** Runs the program for parsed stack config (as a stack file holds it). */
export async function renderConfig(
  stack: string,
  { config, secretKeys }: StackFileConfig,
): Promise<RenderResult> {
  const region = regionOf(config);
  const run = await runProgram({ project: PROJECT, stack, config, secretKeys, region }, platformProgram);
  // By code unit, not localeCompare: the order must not depend on the machine's locale.
  const byCodeUnit = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
  const resources = [...run.resources].sort(
    (a, b) => byCodeUnit(a.type, b.type) || byCodeUnit(a.name, b.name),
  );
  return { resources, program: run.result, report: buildReport(stack, run.result.model) };
}

function regionOf(config: Record<string, string>): string | undefined {
  try {
    return (JSON.parse(config["flink-platform:cluster"] ?? "{}") as { region?: string }).region;
  } catch {
    return undefined;
  }
}

export function isManifest(r: RecordedResource): boolean {
  return r.type.startsWith("kubernetes:") && r.type !== HELM_RELEASE;
}

interface Manifest {
  kind?: string;
  metadata?: { name?: string; namespace?: string };
}

function manifestFileName(r: RecordedResource): string {
  const m = r.inputs as Manifest;
  const kind = (m.kind ?? r.type.split(":").pop() ?? "object").toLowerCase();
  const ns = m.metadata?.namespace ?? "_cluster";
  return `${ns}--${kind}--${m.metadata?.name ?? r.name}.yaml`;
}

function yaml(value: unknown): string {
  return stringify(value, { sortMapEntries: false, lineWidth: 0 });
}

/** The options a reviewer must see; a key is present only when it differs from the default. */
export function resourceOptions(r: RecordedResource): Record<string, unknown> {
  // A provider reference is `<urn>::<id>`; the urn's last segment is the provider's logical name.
  const provider = r.provider ? r.provider.split("::").slice(-2, -1)[0] : undefined;
  return {
    ...(r.dependsOn.length ? { dependsOn: r.dependsOn } : {}),
    ...(r.protect ? { protect: true } : {}),
    ...(r.retainOnDelete ? { retainOnDelete: true } : {}),
    ...(r.deleteBeforeReplace ? { deleteBeforeReplace: true } : {}),
    ...(r.ignoreChanges.length ? { ignoreChanges: [...r.ignoreChanges].sort() } : {}),
    ...(provider ? { provider } : {}),
  };
}

/** resources.json's records: what the PR review compares. */
export function resourceRecords(result: RenderResult): ResourceRecord[] {
  return result.resources.map((r) => ({
    type: r.type,
    name: r.name,
    parent: r.parent,
    custom: r.custom,
    inputs: r.inputs,
    options: resourceOptions(r),
  }));
}

export function writeRender(outDir: string, result: RenderResult): void {
  for (const stale of ["resources.json", "report.json", "manifests", "releases"]) {
    rmSync(join(outDir, stale), { recursive: true, force: true });
  }
  mkdirSync(join(outDir, "manifests"), { recursive: true });
  mkdirSync(join(outDir, "releases"), { recursive: true });

  writeFileSync(join(outDir, "resources.json"), JSON.stringify(resourceRecords(result), null, 2) + "\n");
  for (const r of result.resources.filter(isManifest)) {
    writeFileSync(join(outDir, "manifests", manifestFileName(r)), yaml(r.inputs));
  }
  for (const r of result.resources.filter((x) => x.type === HELM_RELEASE)) {
    const i = r.inputs as Record<string, unknown> & { repositoryOpts?: { repo?: string } };
    writeFileSync(
      join(outDir, "releases", `${r.name}.yaml`),
      yaml({
        chart: i.chart,
        repository: i.repositoryOpts?.repo ?? null,
        version: i.version,
        namespace: i.namespace,
        values: i.values ?? {},
      }),
    );
  }
  writeFileSync(join(outDir, "report.json"), JSON.stringify(result.report, null, 2) + "\n");
}

export function summary(stack: string, outDir: string, result: RenderResult): string {
  const byPackage = new Map<string, number>();
  for (const r of result.resources) {
    const pkg = r.custom ? r.type.split(":")[0] : "component";
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + 1);
  }
  const counts = [...byPackage.entries()].map(([k, v]) => `${k} ${v}`).join(", ");
  const mib = (b: number) => `${Math.round(b / 1024 / 1024)}m`;
  const rows = result.report.flinkClusters.map((c) => [
    `${c.namespace}/${c.name}`,
    c.kind,
    c.flinkVersion,
    c.parallelism === null ? "-" : String(c.parallelism),
    String(c.taskSlots),
    String(c.taskManagers),
    `${mib(c.jobManager.processBytes)} (heap ${mib(c.jobManager.heapBytes)})`,
    `${mib(c.taskManager.processBytes)} (heap ${mib(c.taskManager.frameworkHeapBytes + c.taskManager.taskHeapBytes)}, managed ${mib(c.taskManager.managedBytes)}, network ${mib(c.taskManager.networkBytes)})`,
  ]);
  return [
    `Rendered stack "${stack}" (${result.report.environment.tier}) to ${outDir}`,
    `  ${result.resources.length} resources: ${counts}`,
    `  ${result.resources.filter(isManifest).length} Kubernetes manifests, ` +
      `${result.resources.filter((r) => r.type === HELM_RELEASE).length} Helm releases`,
    "",
    table(["cluster", "kind", "flink", "parallelism", "slots", "TMs", "JobManager", "TaskManager"], rows),
    "",
    table(
      ["namespace", "requests (cpu / memory)", "at ceiling", "+ upgrade headroom", "quota", "fits"],
      result.report.namespaces.map((n) => [
        n.name,
        `${n.requests.cpu} / ${formatQuantity(n.requests.memory)}`,
        `${n.ceiling.cpu} / ${formatQuantity(n.ceiling.memory)}`,
        `${n.upgradeHeadroom.cpu} / ${formatQuantity(n.upgradeHeadroom.memory)}`,
        `${n.quota.cpu} / ${formatQuantity(n.quota.memory)}`,
        n.fits ? "yes" : "NO",
      ]),
    ),
    ...(result.report.pools.length
      ? [
          "",
          table(
            ["pool", "node (less DaemonSets)", "nodes needed", "nodes (desired, or within NodePool limits)"],
            result.report.pools.map((p) => [
              p.pool,
              `${p.instanceType}: ${p.node.cpu} / ${formatQuantity(p.node.memory)}`,
              String(p.nodesNeeded),
              String(p.nodes),
            ]),
          ),
        ]
      : []),
  ].join("\n");
}

export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]))
      .join("  ")
      .trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

export { ConfigError };
