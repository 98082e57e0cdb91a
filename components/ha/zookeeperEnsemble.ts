import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { StackConfig } from "../../config/schema";
import { formatQuantity } from "../../config/units";
import { ZOOKEEPER_IMAGE } from "../versions";
import { containerResources, restrictedContainerSecurity, restrictedPodSecurity } from "../kube/podSecurity";
import { Placement } from "../kube/placement";
import {
  DEFAULT_DENY,
  DNS_EGRESS,
  inNamespaces,
  networkPolicy,
  NetworkPolicyObject,
  tcp,
} from "../kube/networkPolicy";
import {
  ZOOKEEPER_CLIENT_PORT,
  ZOOKEEPER_HEADLESS,
  ZOOKEEPER_NAME,
  ZOOKEEPER_NAMESPACE,
  quorumSize,
  quorumString,
  zooServers,
} from "./quorum";

export interface ZooKeeperEnsembleArgs {
  config: StackConfig["ha"]["zookeeper"];
  /**
   * Only these namespaces may reach the client port: the Flink namespaces on ZooKeeper HA, and
   * the operator's, which reads and deletes HA metadata itself (FlinkUtils.java,
   * flink-kubernetes-operator release-1.15.0: isZookeeperHaMetadataAvailable, deleteZookeeperHAMetadata).
   */
  clientNamespaces: string[];
  /** Production: members must land on distinct nodes (required, not preferred). */
  strictSpread: boolean;
  placement: Placement;
  storageClass?: string;
  provider: k8s.Provider;
}

/**
 * The server's heap, from the container's memory limit. The image's scripts default to
 * `-Xmx1000m` whatever the limit (bin/zkEnv.sh, zookeeper release-3.9.4: ZK_SERVER_HEAP=1000),
 * which a 1Gi container cannot hold next to metaspace, threads and direct buffers. Half the
 * limit leaves the other half to the JVM's native memory.
 */
export function zookeeperHeapMiB(memoryBytes: number): number {
  return Math.floor(memoryBytes / 2 / (1024 * 1024));
}

/** The image's entrypoint settings (docker-entrypoint.sh of the official image, 3.9.4). */
export function zookeeperEnv(c: StackConfig["ha"]["zookeeper"]) {
  return [
    { name: "ZOO_SERVERS", value: zooServers(c.replicas) },
    { name: "ZOO_STANDALONE_ENABLED", value: String(c.replicas === 1) },
    // srvr and ruok for the probes; mntr for metrics scrapes.
    { name: "ZOO_4LW_COMMANDS_WHITELIST", value: "srvr,ruok,mntr" },
    { name: "ZOO_AUTOPURGE_PURGEINTERVAL", value: "1" },
    { name: "ZOO_AUTOPURGE_SNAPRETAINCOUNT", value: "5" },
    // A member's own name resolves only once its pod is ready behind the headless Service;
    // listening on all addresses lets the first election happen before that.
    { name: "ZOO_CFG_EXTRA", value: "quorumListenOnAllIPs=true" },
    { name: "ZK_SERVER_HEAP", value: String(zookeeperHeapMiB(c.memory)) },
  ];
}

/** A bash probe: send a four-letter word to the local client port, expect `pattern` back. */
export function fourLetterProbe(word: string, pattern: string): string {
  return `exec 3<>/dev/tcp/127.0.0.1/${ZOOKEEPER_CLIENT_PORT} && printf ${word} >&3 && grep -q '${pattern}' <&3`;
}

/** The ensemble's PodDisruptionBudget: keep a majority; none for a single member. */
export function disruptionBudget(replicas: number): { minAvailable: number } | undefined {
  return replicas > 1 ? { minAvailable: quorumSize(replicas) } : undefined;
}

/**
 * ZooKeeper run by the platform itself: a StatefulSet of an odd number of members with stable
 * identities, persistent data, probes, spread over nodes and zones, a disruption budget that
 * keeps a majority, and a network policy that admits only the Flink namespaces.
 */
export class ZooKeeperEnsemble extends pulumi.ComponentResource {
  /** `high-availability.zookeeper.quorum` for Flink. */
  readonly quorum: string;
  readonly namespace = ZOOKEEPER_NAMESPACE;

  constructor(name: string, args: ZooKeeperEnsembleArgs, opts?: pulumi.ComponentResourceOptions) {
    super("flink-platform:ha:ZooKeeperEnsemble", name, {}, opts);
    const c = args.config;
    const labels = {
      "app.kubernetes.io/name": ZOOKEEPER_NAME,
      "app.kubernetes.io/part-of": "flink-platform",
    };
    const k8sOpts = { parent: this, provider: args.provider };

    const ns = new k8s.core.v1.Namespace(
      `${name}-ns`,
      {
        metadata: {
          name: ZOOKEEPER_NAMESPACE,
          labels: { "pod-security.kubernetes.io/enforce": "restricted" },
        },
      },
      k8sOpts,
    );
    const inNs = { ...k8sOpts, dependsOn: [ns] };
    const ports = [
      { name: "client", port: ZOOKEEPER_CLIENT_PORT },
      { name: "follower", port: 2888 },
      { name: "election", port: 3888 },
    ];

    new k8s.core.v1.Service(
      `${name}-headless`,
      {
        metadata: { name: ZOOKEEPER_HEADLESS, namespace: ZOOKEEPER_NAMESPACE, labels },
        spec: {
          clusterIP: "None",
          // Members must find each other before they are ready, or the first election never happens.
          publishNotReadyAddresses: true,
          selector: labels,
          ports: ports.map((p) => ({ ...p, targetPort: p.name })),
        },
      },
      inNs,
    );
    new k8s.core.v1.Service(
      `${name}-client`,
      {
        metadata: { name: `${ZOOKEEPER_NAME}-client`, namespace: ZOOKEEPER_NAMESPACE, labels },
        spec: {
          selector: labels,
          ports: [{ name: "client", port: ZOOKEEPER_CLIENT_PORT, targetPort: "client" }],
        },
      },
      inNs,
    );

    const antiAffinityTerm = {
      labelSelector: { matchLabels: labels },
      topologyKey: "kubernetes.io/hostname",
    };
    new k8s.apps.v1.StatefulSet(
      `${name}-members`,
      {
        metadata: { name: ZOOKEEPER_NAME, namespace: ZOOKEEPER_NAMESPACE, labels },
        spec: {
          replicas: c.replicas,
          serviceName: ZOOKEEPER_HEADLESS,
          podManagementPolicy: "Parallel",
          updateStrategy: { type: "RollingUpdate" },
          selector: { matchLabels: labels },
          template: {
            metadata: { labels },
            spec: {
              securityContext: restrictedPodSecurity(1000),
              automountServiceAccountToken: false,
              ...(args.placement.nodeSelector ? { nodeSelector: args.placement.nodeSelector } : {}),
              affinity: {
                podAntiAffinity: args.strictSpread
                  ? { requiredDuringSchedulingIgnoredDuringExecution: [antiAffinityTerm] }
                  : {
                      preferredDuringSchedulingIgnoredDuringExecution: [
                        { weight: 100, podAffinityTerm: antiAffinityTerm },
                      ],
                    },
              },
              topologySpreadConstraints: [
                {
                  maxSkew: 1,
                  topologyKey: "topology.kubernetes.io/zone",
                  whenUnsatisfiable: args.strictSpread ? "DoNotSchedule" : "ScheduleAnyway",
                  labelSelector: { matchLabels: labels },
                },
              ],
              containers: [
                {
                  name: "zookeeper",
                  image: ZOOKEEPER_IMAGE,
                  // Member id from the StatefulSet ordinal (zookeeper-2 → myid 3).
                  command: ["/bin/bash", "-c"],
                  args: [
                    "export ZOO_MY_ID=$((${HOSTNAME##*-} + 1)) && exec /docker-entrypoint.sh zkServer.sh start-foreground",
                  ],
                  env: zookeeperEnv(c),
                  ports: ports.map((p) => ({ name: p.name, containerPort: p.port })),
                  // Probes speak ZooKeeper's four-letter words over bash's /dev/tcp: `zkServer.sh
                  // status` starts a second JVM with the server's -Xmx inside the same memory limit
                  // (bin/zkServer.sh, zookeeper release-3.9.4). `srvr` answers "Mode: ..." only
                  // while the member serves requests; `ruok` answers "imok" while the process lives.
                  readinessProbe: {
                    exec: { command: ["/bin/bash", "-c", fourLetterProbe("srvr", "^Mode: ")] },
                    initialDelaySeconds: 10,
                    periodSeconds: 10,
                    timeoutSeconds: 5,
                  },
                  livenessProbe: {
                    exec: { command: ["/bin/bash", "-c", fourLetterProbe("ruok", "imok")] },
                    initialDelaySeconds: 30,
                    periodSeconds: 15,
                    timeoutSeconds: 5,
                    failureThreshold: 4,
                  },
                  resources: containerResources(c.cpu, c.memory),
                  securityContext: restrictedContainerSecurity(),
                  volumeMounts: [
                    { name: "data", mountPath: "/data" },
                    { name: "data", mountPath: "/datalog", subPath: "datalog" },
                  ],
                },
              ],
            },
          },
          volumeClaimTemplates: [
            {
              metadata: { name: "data", labels },
              spec: {
                accessModes: ["ReadWriteOnce"],
                storageClassName: args.storageClass,
                resources: { requests: { storage: formatQuantity(c.storageSize) } },
              },
            },
          ],
        },
      },
      inNs,
    );

    // Voluntary disruptions (drains, upgrades) may never take the ensemble below a majority. A
    // single member has no majority to keep: a budget of 1 would block every node drain.
    const budget = disruptionBudget(c.replicas);
    if (budget) {
      new k8s.policy.v1.PodDisruptionBudget(
        `${name}-pdb`,
        {
          metadata: { name: ZOOKEEPER_NAME, namespace: ZOOKEEPER_NAMESPACE, labels },
          spec: { ...budget, selector: { matchLabels: labels } },
        },
        inNs,
      );
    }

    for (const policy of zookeeperNetworkPolicies(args.clientNamespaces, labels, ports)) {
      new k8s.networking.v1.NetworkPolicy(`${name}-netpol-${policy.metadata.name}`, policy, inNs);
    }

    this.quorum = quorumString(c.replicas);
    this.registerOutputs({ quorum: this.quorum });
  }
}

/**
 * The ensemble's NetworkPolicies: deny everything; the client port for Flink's namespaces and the
 * operator; member to member on every port (quorum, election, client); DNS to find the members.
 */
export function zookeeperNetworkPolicies(
  clientNamespaces: string[],
  memberLabels: Record<string, string>,
  ports: { port: number }[],
): NetworkPolicyObject[] {
  const members = { podSelector: { matchLabels: memberLabels } };
  return [
    networkPolicy(ZOOKEEPER_NAMESPACE, "default-deny", DEFAULT_DENY),
    networkPolicy(ZOOKEEPER_NAMESPACE, "dns-egress", {
      podSelector: {},
      policyTypes: ["Egress"],
      egress: [DNS_EGRESS],
    }),
    networkPolicy(ZOOKEEPER_NAMESPACE, ZOOKEEPER_NAME, {
      podSelector: { matchLabels: memberLabels },
      policyTypes: ["Ingress", "Egress"],
      ingress: [
        { from: [inNamespaces(clientNamespaces)], ports: [tcp(ZOOKEEPER_CLIENT_PORT)] },
        { from: [members], ports: ports.map((p) => tcp(p.port)) },
      ],
      egress: [{ to: [members], ports: ports.map((p) => tcp(p.port)) }],
    }),
  ];
}
