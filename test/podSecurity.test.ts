/**
 * Pod Security admission over every pod the stack runs, Helm charts' pods included (chart
 * defaults merged with the release's values): each must be admitted at the level its namespace
 * enforces, and every namespace that runs pods enforces one.
 */
import { strict as assert } from "assert";
import { stringify } from "yaml";
import { loadStackDoc, render } from "./harness";
import { podSecurityViolations, PodSecurityLevel } from "../components/kube/podSecurityStandards";
import { enforcedLevels, podSecurityReasons, stackPods } from "./charts/pods";
import { renderOperatorChart } from "./charts/flinkOperatorChart";
import { renderKubePrometheusStack } from "./charts/kubePrometheusStackChart";

const stack = (name: "dev" | "prod") => render(stringify(loadStackDoc(name)), name);

/**
 * What each namespace below restricted is allowed beyond it, as its reason annotation says:
 * node-exporter the host's namespaces and paths; Fluent Bit host paths, read as root.
 */
const HOST_ACCESS: Record<string, RegExp[]> = {
  "node-exporter": [/^host(Network|PID): host namespaces/, /hostPath volumes are not allowed/],
  logging: [/hostPath volumes are not allowed/, /runAsNonRoot must be true/],
};
/** The namespaces below restricted: node-exporter everywhere, the log agent where logs are shipped. */
const HOST_NAMESPACES = { dev: ["node-exporter"], prod: ["logging", "node-exporter"] };

describe("Pod Security admission", () => {
  for (const name of ["dev", "prod"] as const) {
    it(`${name}: every pod is admitted by its namespace's enforced level`, async () => {
      const { resources } = await stack(name);
      const levels = enforcedLevels(resources);
      const pods = stackPods(resources);
      const owners = pods.map((p) => p.owner);
      // Not vacuous: the operator, the Flink pods and the monitoring stack are all in the set.
      for (const expected of [
        "Deployment/flink-kubernetes-operator",
        "StatefulSet/prometheus",
        "Deployment/grafana",
      ]) {
        assert.ok(owners.includes(expected), `${expected} missing from ${owners.join(", ")}`);
      }
      assert.ok(owners.some((o) => /^FlinkDeployment\/.+:taskmanager$/.test(o)));
      for (const pod of pods) {
        const level = levels.get(pod.namespace) as PodSecurityLevel | undefined;
        assert.ok(
          level,
          `${pod.owner} runs in namespace "${pod.namespace}", which enforces no Pod Security level`,
        );
        assert.deepEqual(
          podSecurityViolations(pod.spec, level),
          [],
          `${pod.owner} in ${pod.namespace} (${level})`,
        );
      }
    });

    it(`${name}: every namespace enforces restricted, or says why not and needs no more than host access`, async () => {
      const { resources } = await stack(name);
      const reasons = podSecurityReasons(resources);
      const pods = stackPods(resources);
      for (const [ns, level] of enforcedLevels(resources)) {
        if (level === "restricted") continue;
        assert.ok(reasons.get(ns), `${ns} enforces ${level} without a reason`);
        // The reason is the whole story: what these pods need beyond restricted is host access,
        // and nothing else (non-root, no escalation, no capabilities, RuntimeDefault seccomp).
        const here = pods.filter((p) => p.namespace === ns);
        assert.ok(here.length > 0, `${ns} runs pods`);
        for (const pod of here) {
          const extra = podSecurityViolations(pod.spec, "restricted").filter(
            (v) => !(HOST_ACCESS[ns] ?? []).some((re) => re.test(v)),
          );
          assert.deepEqual(extra, [], `${pod.owner} in ${ns} needs more than host access`);
        }
      }
      assert.deepEqual(
        [...enforcedLevels(resources)].filter(([, l]) => l !== "restricted").map(([ns]) => ns),
        HOST_NAMESPACES[name],
      );
    });
  }

  it("the evaluator refuses what admission refuses: the operator chart's own defaults", () => {
    // Chart 1.15.0 sets only runAsUser/runAsGroup on the pod and nothing on the containers.
    const { pod } = renderOperatorChart({}, "flink-operator");
    const violations = podSecurityViolations(pod.spec, "restricted");
    assert.ok(
      violations.includes(
        "containers[0] (flink-kubernetes-operator): allowPrivilegeEscalation must be false",
      ),
    );
    assert.ok(violations.some((v) => /seccompProfile/.test(v)));
    assert.ok(violations.some((v) => /capabilities\.drop must include ALL/.test(v)));
    // Its default artifacts volume, when enabled without replacing it, is a hostPath.
    const hostPath = renderOperatorChart({ operatorVolumes: { create: true } }, "flink-operator").pod;
    assert.ok(podSecurityViolations(hostPath.spec, "baseline").some((v) => /hostPath/.test(v)));
  });

  it("the evaluator refuses node-exporter's host access even at baseline, and Grafana's root chown init", () => {
    const pods = renderKubePrometheusStack({ grafana: { persistence: { enabled: true } } }, "monitoring");
    const ne = pods.find((p) => p.owner === "DaemonSet/node-exporter")!;
    const baseline = podSecurityViolations(ne.spec, "baseline");
    assert.ok(baseline.includes("hostNetwork: host namespaces are not allowed"));
    assert.ok(baseline.includes("volumes (proc): hostPath volumes are not allowed"));
    const grafana = pods.find((p) => p.owner === "Deployment/grafana")!;
    assert.ok(podSecurityViolations(grafana.spec, "restricted").some((v) => /init-chown-data/.test(v)));
  });
});
