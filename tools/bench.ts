/**
 * npm run bench: how much rendering costs on top of loading the Pulumi SDKs it uses.
 * Alternates runs of (a) bare SDK load, (b) render dev, (c) render prod, then renders
 * generated stacks of 10, 100 and 500 application jobs; prints medians and ratios.
 */
import { spawnSync } from "child_process";
import { mkdtempSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { stringify } from "yaml";

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const work = mkdtempSync(join(tmpdir(), "flink-bench-"));

function time(args: string[]): number {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${args.join(" ")} failed:\n${r.stderr}`);
  return Number(process.hrtime.bigint() - start) / 1e6;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const render = (stack: string, config: string) => [
  "-r",
  "ts-node/register/transpile-only",
  "tools/render.ts",
  "--stack",
  stack,
  "--config",
  config,
  "--out",
  join(work, stack),
];

/**
 * A prod-like stack with `jobs` application jobs over ⌈jobs ÷ 25⌉ namespaces; with `autoscaled`,
 * every other job runs the operator's autoscaler up to 16 (ceilings, quotas and in-place scaling
 * are then computed for it).
 */
function generatedStack(jobs: number, autoscaled = false): string {
  const perNamespace = 25;
  const namespaces = Array.from({ length: Math.ceil(jobs / perNamespace) }, (_, n) => ({
    name: `team-${n}`,
    quota: { cpu: 1000, memory: "4000Gi", pods: 1000, flinkDeployments: 100 },
    jobs: Array.from({ length: Math.min(perNamespace, jobs - n * perNamespace) }, (_, j) => ({
      name: `job-${n}-${j}`,
      jarURI: `local:///opt/flink/usrlib/team-${n}-job-${j}.jar`,
      entryClass: "com.example.Job",
      parallelism: 1 + ((n + j) % 8),
      ...(autoscaled && j % 2 === 0 ? { autoscaler: { maxParallelism: 16 } } : {}),
    })),
  }));
  const file = join(work, `Pulumi.jobs${jobs}${autoscaled ? "a" : ""}.yaml`);
  writeFileSync(
    file,
    stringify({
      config: {
        "flink-platform:environment": { name: "bench", tier: "development" },
        "flink-platform:cluster": { provider: "existing" },
        "flink-platform:namespaces": namespaces,
      },
    }),
  );
  return file;
}

const baseline = ["-e", "require('@pulumi/pulumi'); require('@pulumi/aws'); require('@pulumi/kubernetes')"];
const samples = { sdk: [] as number[], dev: [] as number[], prod: [] as number[] };
for (let i = 0; i < RUNS; i++) {
  samples.sdk.push(time(baseline));
  samples.dev.push(time(render("dev", "Pulumi.dev.yaml")));
  samples.prod.push(time(render("prod", "Pulumi.prod.yaml")));
}
const sdk = median(samples.sdk);
console.log(`runs per measurement: ${RUNS} (medians)`);
console.log(`SDK load          ${sdk.toFixed(0)} ms`);
for (const stack of ["dev", "prod"] as const) {
  const t = median(samples[stack]);
  console.log(`render ${stack.padEnd(10)} ${t.toFixed(0)} ms  = ${(t / sdk).toFixed(2)}x SDK load`);
}

const scale: [number, number][] = [];
for (const jobs of [10, 100, 500]) {
  const file = generatedStack(jobs);
  const runs = Array.from({ length: Math.max(1, Math.ceil(RUNS / 2)) }, () =>
    time(render(`jobs${jobs}`, file)),
  );
  scale.push([jobs, median(runs)]);
}
console.log("\ngenerated stacks (application jobs):");
const fixed = sdk;
for (const [jobs, t] of scale) {
  console.log(
    `  ${String(jobs).padStart(3)} jobs  ${t.toFixed(0).padStart(6)} ms  ${((t - fixed) / jobs).toFixed(1)} ms/job above start-up`,
  );
}
const [, t10] = scale[0];
const [, t500] = scale[2];
const growth = (t500 - fixed) / (t10 - fixed);
console.log(`  500-job cost above start-up = ${growth.toFixed(1)}x the 10-job cost (linear would be 50x)`);

// The same 500 jobs with the autoscaler on every other one: ceilings, quotas and in-place scaling.
const autoscaledFile = generatedStack(500, true);
const autoscaled = median(
  Array.from({ length: Math.max(1, Math.ceil(RUNS / 2)) }, () => time(render("jobs500a", autoscaledFile))),
);
console.log(
  `  500 jobs, autoscaler on half: ${autoscaled.toFixed(0)} ms = ${(autoscaled / t500).toFixed(2)}x the plain 500-job render`,
);
