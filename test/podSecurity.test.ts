/**
 * Pod Security admission over every pod the stack runs, Helm charts' pods included (chart
 * defaults merged with the release's values): each must be admitted at the level its namespace
 * enforces, and every namespace that runs pods enforces one.
 */
import { strict as assert } from "assert";
import { stringify } from "yaml";
import { loadStackDoc, render } from "./harness";
import { podSecurityViolations, PodSecurityLevel } from "../components/kube/podSecurityStandards";
import { enforcedLevels, stackPods } from "./charts/pods";
import { renderOperatorChart } from "./charts/flinkOperatorChart";
import { renderKubePrometheusStack } from "./charts/kubePrometheusStackChart";

const stack = (name: "dev" | "prod") => render(stringify(loadStackDoc(name)), name);

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

    it(`${name}: every namespace the platform creates enforces restricted`, async () => {
      const { resources } = await stack(name);
      for (const [ns, level] of enforcedLevels(resources)) assert.equal(level, "restricted", ns);
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
