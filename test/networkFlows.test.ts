/**
 * The rendered NetworkPolicies, evaluated with Kubernetes' semantics over the connections Flink
 * and the platform need, and over connections that must stay closed. Pods carry the labels their
 * owners give them: the operator adds app=<deployment> and component=jobmanager|taskmanager to
 * Flink pods (flink-kubernetes-operator, release-1.15.0), our pod template adds the platform label.
 */
import { strict as assert } from "assert";
import { render, stackVariant, prodWithVpcOnlyEgress } from "./harness";
import { allowed, Endpoint, Flow, NetworkPolicyLike, PodEndpoint } from "../components/kube/networkFlows";
import { RecordedResource } from "../tools/offline/mockRuntime";
import { monitoringNetworkPolicies } from "../components/monitoring/networkPolicies";
import { flinkNetworkPolicies } from "../components/governance/networkPolicies";

function policiesOf(resources: RecordedResource[]): NetworkPolicyLike[] {
  return resources.map((r) => r.inputs as any).filter((m) => m?.kind === "NetworkPolicy");
}

const flink = (namespace: string, app: string, component: "jobmanager" | "taskmanager"): PodEndpoint => ({
  kind: "pod",
  namespace,
  labels: { app, component, type: "flink-native-kubernetes", "app.kubernetes.io/part-of": "flink-platform" },
  namedPorts: { metrics: 9249 },
});
const operator: PodEndpoint = {
  kind: "pod",
  namespace: "flink-operator",
  labels: { "app.kubernetes.io/name": "flink-kubernetes-operator" },
};
const prometheus: PodEndpoint = {
  kind: "pod",
  namespace: "monitoring",
  // What prometheus-operator v0.86.2 puts on the pods (pkg/prometheus/server/operator.go).
  labels: {
    "app.kubernetes.io/name": "prometheus",
    "app.kubernetes.io/instance": "kps-prometheus",
    "app.kubernetes.io/managed-by": "prometheus-operator",
    "operator.prometheus.io/name": "kps-prometheus",
    "operator.prometheus.io/shard": "0",
    prometheus: "kps-prometheus",
  },
};
const dns: PodEndpoint = { kind: "pod", namespace: "kube-system", labels: { "k8s-app": "kube-dns" } };
const zookeeper = (i: number): PodEndpoint => ({
  kind: "pod",
  namespace: "flink-ha",
  labels: {
    "app.kubernetes.io/name": "zookeeper",
    "app.kubernetes.io/part-of": "flink-platform",
    id: String(i),
  },
});
const objectStore: PodEndpoint = {
  kind: "pod",
  namespace: "flink-storage",
  labels: {
    "app.kubernetes.io/name": "object-store",
    "app.kubernetes.io/part-of": "flink-platform",
    "app.kubernetes.io/component": "server",
  },
};
/** S3's and the EKS API's public addresses (the S3 gateway endpoint routes to S3's public ranges). */
const s3Address: Endpoint = { kind: "external", ip: "52.218.1.10" };
const apiServer: Endpoint = { kind: "external", ip: "10.40.0.10" };
const internet: Endpoint = { kind: "external", ip: "198.51.100.7" };

const flow = (from: Endpoint, to: Endpoint, port: number, protocol: "TCP" | "UDP" = "TCP"): Flow => ({
  from,
  to,
  port,
  protocol,
});

function expectFlows(policies: NetworkPolicyLike[], open: [string, Flow][], closed: [string, Flow][]) {
  for (const [name, f] of open) assert.ok(allowed(policies, f), `must be open: ${name}`);
  for (const [name, f] of closed) assert.ok(!allowed(policies, f), `must be closed: ${name}`);
}

describe("a team namespace's NetworkPolicies (pure, every feature on)", () => {
  const network = { apiServerPorts: [443], httpsEgressCidrs: ["0.0.0.0/0"], hostCidrs: ["10.40.0.0/16"] };
  const ingressController: PodEndpoint = {
    kind: "pod",
    namespace: "ingress",
    labels: { "app.kubernetes.io/name": "ingress-nginx" },
  };
  const policies = (zookeeper = true, objectStore = true) =>
    flinkNetworkPolicies({
      namespace: "payments",
      monitoringNamespace: "monitoring",
      zookeeper,
      objectStore,
      network,
      egress: [
        { name: "msk", cidrs: ["10.8.0.0/16"], ports: [{ port: 9092, endPort: 9098, protocol: "TCP" }] },
        {
          name: "ledger-db",
          namespace: "databases",
          podLabels: { app: "ledger" },
          ports: [{ port: 5432, protocol: "TCP" }],
        },
      ],
      uiIngress: {
        clusters: ["fraud-detection"],
        from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "ingress" } } }],
      },
    }) as NetworkPolicyLike[];
  const jm = flink("payments", "fraud-detection", "jobmanager");
  const tm = flink("payments", "fraud-detection", "taskmanager");
  const otherJm = flink("payments", "ledger-reconciliation", "jobmanager");
  const pod = (namespace: string, labels: Record<string, string>): PodEndpoint => ({
    kind: "pod",
    namespace,
    labels,
  });
  const external = (ip: string): Endpoint => ({ kind: "external", ip });

  it("opens Flink's flows, the platform's and the team's egress, and nothing else", () => {
    expectFlows(
      policies(),
      [
        ["operator → JobManager REST 8081", flow(operator, jm, 8081)],
        ["TaskManager → JobManager RPC 6123", flow(tm, jm, 6123)],
        ["JobManager → TaskManager RPC 6122", flow(jm, tm, 6122)],
        ["Prometheus → TaskManager metrics 9249", flow(prometheus, tm, 9249)],
        ["JobManager → DNS udp", flow(jm, dns, 53, "UDP")],
        ["TaskManager → DNS tcp", flow(tm, dns, 53)],
        ["TaskManager → S3 443", flow(tm, s3Address, 443)],
        ["JobManager → ZooKeeper 2181", flow(jm, zookeeper(1), 2181)],
        ["TaskManager → object store 9000", flow(tm, objectStore, 9000)],
        ["TaskManager → MSK 9092 (first of the range)", flow(tm, external("10.8.1.1"), 9092)],
        ["TaskManager → MSK 9098 (last of the range)", flow(tm, external("10.8.1.1"), 9098)],
        ["TaskManager → ledger database 5432", flow(tm, pod("databases", { app: "ledger" }), 5432)],
        ["ingress controller → exposed JobManager UI 8081", flow(ingressController, jm, 8081)],
      ],
      [
        [
          "another namespace's TaskManager → JobManager RPC",
          flow(flink("analytics", "x", "taskmanager"), jm, 6123),
        ],
        ["Prometheus → JobManager REST 8081", flow(prometheus, jm, 8081)],
        ["operator → TaskManager 8081", flow(operator, tm, 8081)],
        ["TaskManager → MSK 9099 (past the range)", flow(tm, external("10.8.1.1"), 9099)],
        ["TaskManager → another network 9092", flow(tm, external("10.9.1.1"), 9092)],
        [
          "TaskManager → another pod of the database namespace",
          flow(tm, pod("databases", { app: "billing" }), 5432),
        ],
        ["TaskManager → the database on another port", flow(tm, pod("databases", { app: "ledger" }), 5433)],
        ["ingress controller → a cluster whose UI is not exposed", flow(ingressController, otherJm, 8081)],
        ["ingress controller → TaskManager", flow(ingressController, tm, 8081)],
        ["anyone else → JobManager metrics", flow(pod("default", { app: "curl" }), jm, 9249)],
        ["TaskManager → internet SMTP", flow(tm, internet, 25)],
      ],
    );
  });

  it("closes ZooKeeper and the object store where they are not used", () => {
    expectFlows(
      policies(false, false),
      [["TaskManager → S3 443", flow(tm, s3Address, 443)]],
      [
        ["JobManager → ZooKeeper 2181", flow(jm, zookeeper(1), 2181)],
        ["TaskManager → object store 9000", flow(tm, objectStore, 9000)],
      ],
    );
  });

  it("names every policy once, as a DNS label", () => {
    const names = policies().map((p: any) => p.metadata.name as string);
    assert.equal(new Set(names).size, names.length, names.join(", "));
    for (const n of names) assert.match(n, /^[a-z]([-a-z0-9]*[a-z0-9])?$/);
    for (const p of policies() as any[]) assert.equal(p.metadata.namespace, "payments");
  });
});

describe("network flows (NetworkPolicies evaluated)", () => {
  const jm = flink("payments", "fraud-detection", "jobmanager");
  const tm = flink("payments", "fraud-detection", "taskmanager");
  const tm2 = flink("payments", "fraud-detection", "taskmanager");
  const otherJm = flink("analytics", "clickstream-enrichment", "jobmanager");

  it("prod: Flink's own flows, the operator, Prometheus, DNS, S3 and the API server get through", async () => {
    const { resources } = await render(stackVariant("prod"), "prod");
    expectFlows(
      policiesOf(resources),
      [
        ["operator → JobManager REST 8081", flow(operator, jm, 8081)],
        ["TaskManager → JobManager RPC 6123", flow(tm, jm, 6123)],
        ["TaskManager → JobManager blob 6124", flow(tm, jm, 6124)],
        ["JobManager → TaskManager RPC 6122", flow(jm, tm, 6122)],
        ["TaskManager ↔ TaskManager shuffle (dynamic port)", flow(tm, tm2, 41233)],
        ["Prometheus → JobManager metrics 9249", flow(prometheus, jm, 9249)],
        ["Prometheus → TaskManager metrics 9249", flow(prometheus, tm, 9249)],
        ["Prometheus → operator metrics 9999", flow(prometheus, operator, 9999)],
        ["JobManager → DNS udp", flow(jm, dns, 53, "UDP")],
        ["TaskManager → DNS tcp", flow(tm, dns, 53)],
        ["TaskManager → S3 443", flow(tm, s3Address, 443)],
        ["JobManager → API server 443", flow(jm, apiServer, 443)],
      ],
      [
        [
          "another team's TaskManager → this JobManager RPC",
          flow(flink("analytics", "x", "taskmanager"), jm, 6123),
        ],
        ["this TaskManager → another team's JobManager REST", flow(tm, otherJm, 8081)],
        ["this TaskManager → another team's JobManager RPC", flow(tm, otherJm, 6123)],
        ["TaskManager → internet SMTP", flow(tm, internet, 25)],
        ["TaskManager → internet 9092 (no egress rule configured)", flow(tm, internet, 9092)],
        ["Prometheus → JobManager REST 8081", flow(prometheus, jm, 8081)],
      ],
    );
  });

  it("dev: Flink reaches its object store and API servers on 6443; others' pods do not", async () => {
    const { resources } = await render(stackVariant("dev"), "dev");
    const devJm = flink("analytics", "clickstream-enrichment", "jobmanager");
    const outsider: PodEndpoint = { kind: "pod", namespace: "default", labels: { app: "curl" } };
    expectFlows(
      policiesOf(resources),
      [
        ["JobManager → object store 9000", flow(devJm, objectStore, 9000)],
        ["JobManager → kind API server 6443", flow(devJm, { kind: "external", ip: "172.18.0.2" }, 6443)],
      ],
      [
        ["a pod of another namespace → object store", flow(outsider, objectStore, 9000)],
        ["a pod of another namespace → JobManager REST", flow(outsider, devJm, 8081)],
      ],
    );
  });

  it("prod with httpsEgress vpc: HTTPS reaches the VPC's endpoints and API server, nothing outside", async () => {
    const { resources } = await render(prodWithVpcOnlyEgress(), "prod");
    const s3Interface: Endpoint = { kind: "external", ip: "10.40.130.20" };
    expectFlows(
      policiesOf(resources),
      [
        ["TaskManager → S3 interface endpoint 443", flow(tm, s3Interface, 443)],
        ["JobManager → API server 443", flow(jm, apiServer, 443)],
      ],
      [
        ["TaskManager → S3 public address 443", flow(tm, s3Address, 443)],
        ["JobManager → internet 443", flow(jm, internet, 443)],
      ],
    );
  });

  it("prod platform namespaces: deny by default, open exactly what the operator, cert-manager and monitoring need", async () => {
    const { resources } = await render(stackVariant("prod"), "prod");
    const pod = (namespace: string, labels: Record<string, string>): PodEndpoint => ({
      kind: "pod",
      namespace,
      labels,
    });
    // Labels from the charts and prometheus-operator (components/monitoring/networkPolicies.ts).
    const alertmanager = (i: number) =>
      pod("monitoring", {
        "app.kubernetes.io/name": "alertmanager",
        alertmanager: "kps-alertmanager",
        "statefulset.kubernetes.io/pod-name": `alertmanager-kps-alertmanager-${i}`,
      });
    const promOperator = pod("monitoring", {
      app: "kube-prometheus-stack-operator",
      "app.kubernetes.io/name": "kube-prometheus-stack-prometheus-operator",
    });
    const certgen = pod("monitoring", {
      app: "kube-prometheus-stack-admission-create",
      "app.kubernetes.io/name": "kube-prometheus-stack-prometheus-operator",
    });
    const grafana = pod("monitoring", { "app.kubernetes.io/name": "grafana" });
    const ksm = pod("monitoring", { "app.kubernetes.io/name": "kube-state-metrics" });
    const cmWebhook = pod("cert-manager", { app: "webhook", "app.kubernetes.io/component": "webhook" });
    const cmController = pod("cert-manager", {
      app: "cert-manager",
      "app.kubernetes.io/component": "controller",
    });
    const controlPlane: Endpoint = { kind: "external", ip: "10.40.32.7" };
    const node: Endpoint = { kind: "external", ip: "10.40.64.12" };
    const coredns: PodEndpoint = { ...dns, labels: { "k8s-app": "kube-dns" } };
    expectFlows(
      policiesOf(resources),
      [
        ["control plane → operator webhook 9443 (failurePolicy Fail)", flow(controlPlane, operator, 9443)],
        ["control plane → cert-manager webhook 10250", flow(controlPlane, cmWebhook, 10250)],
        ["control plane → prometheus-operator admission 10250", flow(controlPlane, promOperator, 10250)],
        ["operator → API server 443", flow(operator, apiServer, 443)],
        ["operator → DNS", flow(operator, dns, 53, "UDP")],
        ["cert-manager → API server 443", flow(cmController, apiServer, 443)],
        ["cert-manager webhook → API server 443", flow(cmWebhook, apiServer, 443)],
        ["Prometheus → kubelet 10250", flow(prometheus, node, 10250)],
        ["Prometheus → node-exporter 9100 on every node (host network)", flow(prometheus, node, 9100)],
        ["Prometheus → kube-state-metrics 8080", flow(prometheus, ksm, 8080)],
        ["Prometheus → Alertmanager 9093", flow(prometheus, alertmanager(0), 9093)],
        ["Prometheus → Alertmanager reloader 8080", flow(prometheus, alertmanager(1), 8080)],
        ["Prometheus → prometheus-operator 10250", flow(prometheus, promOperator, 10250)],
        ["Prometheus → CoreDNS metrics 9153", flow(prometheus, coredns, 9153)],
        ["Prometheus → API server 443", flow(prometheus, apiServer, 443)],
        ["Prometheus → Prometheus 9090 (self-scrape)", flow(prometheus, prometheus, 9090)],
        ["Grafana → Prometheus 9090", flow(grafana, prometheus, 9090)],
        ["Grafana → Alertmanager 9093", flow(grafana, alertmanager(0), 9093)],
        ["Grafana sidecars → API server 443", flow(grafana, apiServer, 443)],
        ["kube-state-metrics → API server 443", flow(ksm, apiServer, 443)],
        ["chart certificate job → API server 443", flow(certgen, apiServer, 443)],
        ["Alertmanager ↔ Alertmanager gossip 9094 tcp", flow(alertmanager(0), alertmanager(1), 9094)],
        ["Alertmanager ↔ Alertmanager gossip 9094 udp", flow(alertmanager(1), alertmanager(0), 9094, "UDP")],
      ],
      [
        ["a TaskManager → Alertmanager 9093 (adding silences)", flow(tm, alertmanager(0), 9093)],
        ["a TaskManager → Prometheus 9090", flow(tm, prometheus, 9090)],
        ["a TaskManager → Grafana 3000", flow(tm, grafana, 3000)],
        ["a TaskManager → node-exporter 9100", flow(tm, node, 9100)],
        ["Grafana → node-exporter 9100", flow(grafana, node, 9100)],
        ["a TaskManager → operator webhook 9443", flow(tm, operator, 9443)],
        ["a TaskManager → cert-manager webhook 10250", flow(tm, cmWebhook, 10250)],
        ["Grafana → a JobManager 8081", flow(grafana, jm, 8081)],
        ["operator → a TaskManager 8081", flow(operator, tm, 8081)],
        ["operator → internet 25", flow(operator, internet, 25)],
        ["Alertmanager → internet 80 (receivers are HTTPS)", flow(alertmanager(0), internet, 80)],
        ["Alertmanager → a JobManager 8081", flow(alertmanager(0), jm, 8081)],
        ["kube-state-metrics → a JobManager 8081", flow(ksm, jm, 8081)],
        ["cert-manager → a JobManager 8081", flow(cmController, jm, 8081)],
      ],
    );
  });

  it("Alertmanager reaches HTTPS receivers only when receivers are configured", () => {
    const am: PodEndpoint = {
      kind: "pod",
      namespace: "monitoring",
      labels: { "app.kubernetes.io/name": "alertmanager", alertmanager: "kps-alertmanager" },
    };
    const network = { apiServerPorts: [443], httpsEgressCidrs: ["0.0.0.0/0"], hostCidrs: ["10.40.0.0/16"] };
    const policies = (receivers: boolean) =>
      monitoringNetworkPolicies({
        namespace: "monitoring",
        nodeExporterNamespace: "node-exporter",
        flinkNamespaces: ["payments"],
        receivers,
        network,
      }) as unknown as NetworkPolicyLike[];
    assert.ok(allowed(policies(true), flow(am, internet, 443)));
    assert.ok(!allowed(policies(true), flow(am, internet, 80)));
    assert.ok(!allowed(policies(false), flow(am, internet, 443)));
  });

  it("ZooKeeper HA: Flink and the operator reach the client port, members reach each other", async () => {
    const { resources } = await render(
      stackVariant("prod", (c) => (c.ha = { mode: "zookeeper", zookeeper: { replicas: 3 } })),
      "prod",
    );
    expectFlows(
      policiesOf(resources),
      [
        ["JobManager → ZooKeeper 2181", flow(jm, zookeeper(0), 2181)],
        ["TaskManager → ZooKeeper 2181", flow(tm, zookeeper(1), 2181)],
        ["operator → ZooKeeper 2181 (HA metadata checks and cleanup)", flow(operator, zookeeper(0), 2181)],
        ["member → member 2888", flow(zookeeper(0), zookeeper(1), 2888)],
        ["member → member 3888", flow(zookeeper(2), zookeeper(0), 3888)],
        ["member → DNS (finds its peers)", flow(zookeeper(1), dns, 53, "UDP")],
      ],
      [
        [
          "a pod of another namespace → ZooKeeper",
          flow({ kind: "pod", namespace: "default", labels: {} }, zookeeper(0), 2181),
        ],
        ["JobManager → ZooKeeper quorum port 2888", flow(jm, zookeeper(0), 2888)],
        ["member → internet 443", flow(zookeeper(0), internet, 443)],
        ["member → a JobManager 8081", flow(zookeeper(0), jm, 8081)],
      ],
    );
  });

  it("configured egress opens exactly the team's systems: MSK ports, a database, a namespace", async () => {
    const { resources } = await render(
      stackVariant("prod", (c) => {
        c.namespaces[1].egress = [
          { name: "msk", cidrs: ["10.60.0.0/16"], ports: [{ port: 9092, endPort: 9098 }] },
          { name: "postgres", cidrs: ["10.70.4.12/32"], ports: [{ port: 5432 }] },
          {
            name: "schema-registry",
            namespace: "kafka",
            podLabels: { app: "registry" },
            ports: [{ port: 8081 }],
          },
        ];
      }),
      "prod",
    );
    const broker: Endpoint = { kind: "external", ip: "10.60.3.4" };
    const registry: PodEndpoint = { kind: "pod", namespace: "kafka", labels: { app: "registry" } };
    expectFlows(
      policiesOf(resources),
      [
        ["TaskManager → MSK 9092", flow(tm, broker, 9092)],
        ["TaskManager → MSK IAM auth 9098", flow(tm, broker, 9098)],
        ["JobManager → Postgres 5432", flow(jm, { kind: "external", ip: "10.70.4.12" }, 5432)],
        ["TaskManager → schema registry 8081", flow(tm, registry, 8081)],
      ],
      [
        ["TaskManager → MSK 9099 (outside the range)", flow(tm, broker, 9099)],
        ["TaskManager → another Postgres host", flow(tm, { kind: "external", ip: "10.70.4.13" }, 5432)],
        [
          "TaskManager → another pod in kafka",
          flow(tm, { kind: "pod", namespace: "kafka", labels: { app: "x" } }, 8081),
        ],
        ["the other team's TaskManager → MSK", flow(flink("analytics", "x", "taskmanager"), broker, 9092)],
      ],
    );
  });
});
