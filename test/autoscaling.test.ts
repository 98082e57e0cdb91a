/**
 * Scaling that respects quotas: the operator's autoscaler with every setting a team needs, its
 * quota derived from the namespace's, in-place rescaling, session-job autoscaling, and reactive
 * mode with a HorizontalPodAutoscaler (and the metrics-server it reads).
 */
import { strict as assert } from "assert";
import { manifest, ofType, problemsOf, render, stackVariant, validate } from "./harness";
import { resolveModel } from "../config/model";
import { autoscalerQuota, namespaceFit } from "../components/governance/fit";
import { allowed, Endpoint, NetworkPolicyLike, PodEndpoint } from "../components/kube/networkFlows";

/**
 * Every `job.autoscaler.*` key the operator reads (flink-autoscaler AutoScalerOptions.java,
 * flink-kubernetes-operator release-1.15.0, lines 47–420), the subset the platform may write.
 */
const OPERATOR_AUTOSCALER_KEYS = new Set(
  [
    "enabled",
    "scaling.enabled",
    "metrics.window",
    "stabilization.interval",
    "utilization.target",
    "utilization.max",
    "utilization.min",
    "vertex.min-parallelism",
    "vertex.max-parallelism",
    "scale-down.max-factor",
    "scale-up.max-factor",
    "catch-up.duration",
    "restart.time",
    "memory.tuning.enabled",
    "quota.memory",
    "quota.cpu",
  ].map((k) => `job.autoscaler.${k}`),
);

const prod = () => render(stackVariant("prod"), "prod");
const modelOf = (text: string) => {
  const v = validate(text);
  if (!v.ok) throw new Error(v.problems.map((p) => `${p.path}: ${p.message}`).join("\n"));
  return resolveModel(v.stack);
};

describe("the operator's autoscaler", () => {
  it("writes only keys the operator reads, with the in-place rescale Flink 1.18+ offers", async () => {
    const { resources } = await prod();
    const conf = manifest(resources, "FlinkDeployment", "clickstream-enrichment", "analytics").spec
      .flinkConfiguration;
    const written = Object.keys(conf).filter((k) => k.startsWith("job.autoscaler."));
    for (const key of written) assert.ok(OPERATOR_AUTOSCALER_KEYS.has(key), key);
    assert.equal(conf["job.autoscaler.enabled"], "true");
    assert.equal(conf["job.autoscaler.scaling.enabled"], "true");
    assert.equal(conf["job.autoscaler.vertex.max-parallelism"], "64");
    // In place: the adaptive scheduler and the operator's in-place scaling (NativeFlinkService).
    assert.equal(conf["jobmanager.scheduler"], "adaptive");
    assert.equal(conf["kubernetes.operator.job.upgrade.inplace-scaling.enabled"], "true");
  });

  it("gives the autoscaler the TaskManagers the namespace quota still holds, and not one more", () => {
    const model = modelOf(stackVariant("prod"));
    const ns = model.namespaces.find((n) => n.name === "analytics")!;
    const quota = autoscalerQuota(ns, "clickstream-enrichment")!;
    // analytics: 96 cpu / 384Gi. Others at their ceilings (sessionization 6 cpu / 20Gi, adhoc
    // 8 cpu / 28Gi), the upgrade headroom (clickstream-enrichment at 16 TaskManagers: 34 cpu /
    // 132Gi) and its own 2 JobManagers (2 cpu / 4Gi) leave 46 cpu / 200Gi: 23 TaskManagers of 2 cpu / 8Gi.
    assert.deepEqual(quota, { cpu: 46, memoryBytes: 23 * 8 * 1024 ** 3, taskManagers: 23 });
    const text = stackVariant("prod");
    return render(text, "prod").then(({ resources }) => {
      const conf = manifest(resources, "FlinkDeployment", "clickstream-enrichment", "analytics").spec
        .flinkConfiguration;
      assert.equal(conf["job.autoscaler.quota.cpu"], "46");
      assert.equal(conf["job.autoscaler.quota.memory"], "184g");
      // The property: the autoscaler at its quota plus everything else stays within the namespace's.
      const fit = namespaceFit(ns);
      const others = fit.clusters.filter((c) => c.name !== "clickstream-enrichment");
      const own = fit.clusters.find((c) => c.name === "clickstream-enrichment")!;
      const cpuAt = (tms: number) =>
        others.reduce((t, c) => t + c.atCeiling.cpu, 0) +
        fit.upgradeHeadroom.cpu +
        own.jobManager.replicas * own.jobManager.cpu +
        tms * own.taskManager.cpu;
      assert.ok(cpuAt(quota.taskManagers) <= ns.quota.cpu);
      assert.ok(cpuAt(quota.taskManagers + 1) > ns.quota.cpu);
    });
  });

  it("advisory mode computes without scaling, and keeps the default scheduler", async () => {
    const { resources } = await render(
      stackVariant("prod", (c) => (c.namespaces[0].jobs[0].autoscaler.mode = "advisory")),
      "prod",
    );
    const conf = manifest(resources, "FlinkDeployment", "clickstream-enrichment", "analytics").spec
      .flinkConfiguration;
    assert.equal(conf["job.autoscaler.scaling.enabled"], "false");
    assert.equal(conf["jobmanager.scheduler"], undefined);
  });

  it("autoscales a session job on its session cluster and counts its ceiling there", async () => {
    const text = stackVariant("dev", (c) => {
      const job = c.namespaces[0].sessionJobs[0];
      job.autoscaler = { maxParallelism: 8, utilizationMin: 0.5, utilizationMax: 0.85 };
      // Native session clusters start TaskManagers for the slots their jobs ask for.
      delete c.namespaces[0].sessionClusters[0].taskManager;
    });
    const { resources } = await render(text, "dev");
    const sessionJob = ofType(resources, "kubernetes:flink.apache.org/v1beta1:FlinkSessionJob")[0]
      .inputs as any;
    assert.equal(sessionJob.spec.flinkConfiguration["job.autoscaler.enabled"], "true");
    assert.equal(sessionJob.spec.flinkConfiguration["job.autoscaler.utilization.min"], "0.5");
    // Session clusters keep their scheduler: in-place scaling is for application jobs.
    assert.equal(sessionJob.spec.flinkConfiguration["jobmanager.scheduler"], undefined);
    const model = modelOf(text);
    const session = model.namespaces[0].flinkClusters.find((c) => c.kind === "session")!;
    assert.ok(session.taskManagerCeiling > session.taskManager.replicas);
  });

  const refused = (
    stack: "dev" | "prod",
    edit: (c: Record<string, any>) => void,
    path: string,
    message: RegExp,
  ) => {
    const found = problemsOf(stackVariant(stack, edit));
    const line = found.find((l) => l.startsWith(`flink-platform:${path}: `));
    assert.ok(line, `${path} not refused:\n${found.join("\n")}`);
    assert.match(line!, message);
  };

  it("refuses bounds that contradict the target, and a ceiling fixed replicas cannot reach", () => {
    refused(
      "prod",
      (c) => (c.namespaces[0].jobs[0].autoscaler.utilizationMin = 0.8),
      "namespaces[0].jobs[0].autoscaler.utilizationMin",
      /below targetUtilization 0\.7/,
    );
    refused(
      "prod",
      (c) => (c.namespaces[0].jobs[0].autoscaler.minParallelism = 100),
      "namespaces[0].jobs[0].autoscaler.minParallelism",
      /must not exceed maxParallelism 64/,
    );
    refused(
      "prod",
      (c) => (c.namespaces[0].jobs[0].taskManager = { replicas: 4 }),
      "namespaces[0].jobs[0].taskManager.replicas",
      /fixed at 4 TaskManagers \(16 slots\), it cannot grow to autoscaler\.maxParallelism 64/,
    );
    refused(
      "dev",
      (c) => {
        c.namespaces[0].sessionClusters[0].flinkVersion = "1.19";
        c.namespaces[0].sessionJobs[0].autoscaler = { maxParallelism: 8 };
      },
      "namespaces[0].sessionJobs[0].autoscaler",
      /session-job autoscaling needs Flink 1\.20\+/,
    );
  });
});

describe("reactive mode with a HorizontalPodAutoscaler", () => {
  it("runs the job standalone and reactive, starting at its minimum, every slot in use", async () => {
    const { resources } = await prod();
    const fd = manifest(resources, "FlinkDeployment", "ledger-reconciliation", "payments");
    assert.equal(fd.spec.mode, "standalone");
    assert.equal(fd.spec.flinkConfiguration["scheduler-mode"], "REACTIVE");
    assert.equal(fd.spec.taskManager.replicas, 2); // ⌈6 ÷ 4⌉
    assert.equal(fd.spec.job.parallelism, 8); // 2 TaskManagers × 4 slots
    // Pulumi leaves the count to the HPA.
    const cr = ofType(resources, "kubernetes:flink.apache.org/v1beta1:FlinkDeployment").find((r) =>
      r.name.endsWith("ledger-reconciliation"),
    )!;
    assert.deepEqual(cr.ignoreChanges, ["spec.taskManager.replicas"]);
  });

  it("targets the FlinkDeployment's scale subresource with the configured bounds", async () => {
    const { resources } = await prod();
    const hpa = manifest(resources, "HorizontalPodAutoscaler", "ledger-reconciliation", "payments");
    assert.equal(hpa.apiVersion, "autoscaling/v2");
    assert.deepEqual(hpa.spec.scaleTargetRef, {
      apiVersion: "flink.apache.org/v1beta1",
      kind: "FlinkDeployment",
      name: "ledger-reconciliation",
    });
    assert.equal(hpa.spec.minReplicas, 2);
    assert.equal(hpa.spec.maxReplicas, 4);
    assert.deepEqual(hpa.spec.metrics, [
      {
        type: "Resource",
        resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } },
      },
    ]);
    assert.equal(hpa.spec.behavior.scaleDown.stabilizationWindowSeconds, 600);
    assert.equal(ofType(resources, "kubernetes:autoscaling/v2:HorizontalPodAutoscaler").length, 1);
  });

  it("counts the HPA's maximum in the quota and installs metrics-server behind its own NetworkPolicies", async () => {
    const { resources, report } = await prod();
    const payments = report.namespaces.find((n) => n.name === "payments")!;
    assert.equal(payments.ceiling.cpu - payments.requests.cpu, 2 * 2, "2 more TaskManagers at the maximum");
    const release = ofType(resources, "kubernetes:helm.sh/v3:Release").find(
      (r) => (r.inputs as any).chart === "metrics-server",
    )!;
    assert.equal((release.inputs as any).values.replicas, 2);
    assert.equal(
      manifest(resources, "Namespace", "metrics-server").metadata.labels[
        "pod-security.kubernetes.io/enforce"
      ],
      "restricted",
    );
    const policies = resources
      .map((r) => r.inputs as any)
      .filter((m) => m?.kind === "NetworkPolicy") as NetworkPolicyLike[];
    const ms: PodEndpoint = {
      kind: "pod",
      namespace: "metrics-server",
      labels: { "app.kubernetes.io/name": "metrics-server" },
    };
    const node: Endpoint = { kind: "external", ip: "10.40.64.12" };
    assert.ok(
      allowed(policies, { from: node, to: ms, port: 10250, protocol: "TCP" }),
      "API server → metrics API",
    );
    assert.ok(
      allowed(policies, { from: ms, to: node, port: 10250, protocol: "TCP" }),
      "metrics-server → kubelet",
    );
    assert.ok(
      !allowed(policies, {
        from: { kind: "pod", namespace: "payments", labels: {} },
        to: ms,
        port: 10250,
        protocol: "TCP",
      }),
    );
    // Without a reactive job nothing is installed.
    const plain = await render(
      stackVariant("prod", (c) => delete c.namespaces[1].jobs[1].reactive),
      "prod",
    );
    assert.ok(
      !ofType(plain.resources, "kubernetes:helm.sh/v3:Release").some(
        (r) => (r.inputs as any).chart === "metrics-server",
      ),
    );
  });

  it("on an existing cluster installs metrics-server only when asked, with kind's kubelet TLS", async () => {
    const reactiveDev = (install: boolean) =>
      stackVariant("dev", (c) => {
        c.cluster.metricsServer = { install, insecureKubeletTls: install };
        c.namespaces[0].jobs[0].reactive = { maxTaskManagers: 3 };
        delete c.namespaces[0].jobs[0].autoscaler;
      });
    const installed = await render(reactiveDev(true), "dev");
    const release = ofType(installed.resources, "kubernetes:helm.sh/v3:Release").find(
      (r) => (r.inputs as any).chart === "metrics-server",
    )!;
    assert.deepEqual((release.inputs as any).values.args, ["--kubelet-insecure-tls"]);
    const present = await render(reactiveDev(false), "dev");
    assert.ok(
      !ofType(present.resources, "kubernetes:helm.sh/v3:Release").some(
        (r) => (r.inputs as any).chart === "metrics-server",
      ),
    );
  });

  it("refuses combinations that cannot work", () => {
    const refused = (edit: (c: Record<string, any>) => void, path: string, message: RegExp) => {
      const found = problemsOf(stackVariant("prod", edit));
      const line = found.find((l) => l.startsWith(`flink-platform:${path}: `));
      assert.ok(line, `${path} not refused:\n${found.join("\n")}`);
      assert.match(line!, message);
    };
    refused(
      (c) => (c.namespaces[0].jobs[0].reactive = { maxTaskManagers: 8 }),
      "namespaces[0].jobs[0].reactive",
      /reactive mode and the operator's autoscaler both rescale the job/,
    );
    refused(
      (c) => (c.namespaces[1].jobs[1].taskManager = { replicas: 3 }),
      "namespaces[1].jobs[1].taskManager.replicas",
      /HorizontalPodAutoscaler owns the TaskManager count/,
    );
    refused(
      (c) => (c.namespaces[1].jobs[1].reactive = { minTaskManagers: 5, maxTaskManagers: 4 }),
      "namespaces[1].jobs[1].reactive.minTaskManagers",
      /must not exceed maxTaskManagers 4/,
    );
    refused(
      (c) => (c.namespaces[0].sessionClusters[0].reactive = { maxTaskManagers: 4 }),
      "namespaces[0].sessionClusters[0].reactive",
      /reactive mode is for application jobs/,
    );
    refused(
      (c) => (c.namespaces[1].jobs[1].flinkConfiguration = { "scheduler-mode": "REACTIVE" }),
      "namespaces[1].jobs[1].flinkConfiguration.scheduler-mode",
      /owned by jobs\[\]\.reactive/,
    );
  });
});
