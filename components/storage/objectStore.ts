import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import * as random from "@pulumi/random";
import { StackConfig } from "../../config/schema";
import { formatQuantity } from "../../config/units";
import { OBJECT_STORE_IMAGE } from "../versions";
import { containerResources, restrictedContainerSecurity, restrictedPodSecurity } from "../kube/podSecurity";
import { stateBucketName } from "./layout";
import {
  DEFAULT_DENY,
  DNS_EGRESS,
  inNamespaces,
  networkPolicy,
  NetworkPolicyObject,
  tcp,
} from "../kube/networkPolicy";

export const OBJECT_STORE_NAMESPACE = "flink-storage";
export const OBJECT_STORE_SERVICE = "object-store";
export const OBJECT_STORE_PORT = 9000;
/** Secret in every Flink namespace holding that namespace's store credentials as AWS SDK env vars. */
export const OBJECT_STORE_CREDENTIALS_SECRET = "object-store-credentials";
/** Labels of the store's server pods and of its setup Job's pods (NetworkPolicies select them). */
export const OBJECT_STORE_LABELS = {
  "app.kubernetes.io/name": OBJECT_STORE_SERVICE,
  "app.kubernetes.io/part-of": "flink-platform",
};
const SERVER_LABELS = { ...OBJECT_STORE_LABELS, "app.kubernetes.io/component": "server" };
const SETUP_LABELS = { ...OBJECT_STORE_LABELS, "app.kubernetes.io/component": "setup" };

export interface ObjectStoreArgs {
  config: StackConfig["storage"]["objectStore"];
  /** Flink namespaces: each gets a bucket, a store user limited to it, and a credentials Secret. */
  namespaces: string[];
  storageClass?: string;
  provider: k8s.Provider;
  /** Resources (the Flink namespaces) that must exist before credentials are copied in. */
  dependsOn: pulumi.Input<pulumi.Resource>[];
}

/** A store policy (the S3 policy language) limiting a user to one bucket. */
export function bucketUserPolicy(bucket: string) {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Action: ["s3:ListBucket", "s3:GetBucketLocation"],
        Resource: [`arn:aws:s3:::${bucket}`],
      },
      {
        Effect: "Allow",
        Action: [
          "s3:GetObject",
          "s3:PutObject",
          "s3:DeleteObject",
          "s3:AbortMultipartUpload",
          "s3:ListMultipartUploadParts",
        ],
        Resource: [`arn:aws:s3:::${bucket}/*`],
      },
    ],
  };
}

/** Env var names holding a namespace user's keys in the setup Job. */
const userEnv = (i: number) => ({ access: `USER_${i}_ACCESS_KEY`, secret: `USER_${i}_SECRET_KEY` });

/**
 * The setup script (idempotent, so re-runs are harmless): per namespace a versioned bucket, a
 * policy limited to it, and a user holding only that policy. `mc` ships in the store's image.
 */
export function setupScript(endpoint: string, buckets: string[]): string {
  const lines = [
    "set -eu",
    `mc alias set store ${endpoint} "$MINIO_ROOT_USER" "$MINIO_ROOT_PASSWORD"`,
    ...buckets.flatMap((bucket, i) => {
      const env = userEnv(i);
      return [
        `mc mb --ignore-existing store/${bucket}`,
        `mc version enable store/${bucket}`,
        `cat > /tmp/${bucket}.json <<'POLICY'\n${JSON.stringify(bucketUserPolicy(bucket))}\nPOLICY`,
        `mc admin policy create store ${bucket} /tmp/${bucket}.json`,
        `mc admin user add store "$${env.access}" "$${env.secret}"`,
        `mc admin policy attach store ${bucket} --user "$${env.access}" || mc admin user info store "$${env.access}" | grep -q ${bucket}`,
      ];
    }),
  ];
  return lines.join("\n");
}

/**
 * An S3-compatible store inside the cluster for local stacks: pinned image, persistent volume,
 * and per Flink namespace a bucket and a user that can reach only that bucket, created by a Job
 * once the server answers. Flink reaches it with `s3://`, an endpoint and path-style access: the
 * same code path as S3. Only the Flink namespaces and the setup Job may connect to it.
 */
export class ObjectStore extends pulumi.ComponentResource {
  readonly endpoint: string;
  /** Bucket per namespace. */
  readonly buckets: Record<string, string> = {};

  constructor(name: string, args: ObjectStoreArgs, opts?: pulumi.ComponentResourceOptions) {
    super("flink-platform:storage:ObjectStore", name, {}, opts);
    const k8sOpts = { parent: this, provider: args.provider };
    const c = args.config;
    const namespace = OBJECT_STORE_NAMESPACE;
    const labels = OBJECT_STORE_LABELS;

    const ns = new k8s.core.v1.Namespace(
      `${name}-ns`,
      {
        metadata: {
          name: namespace,
          labels: { "pod-security.kubernetes.io/enforce": "restricted", ...labels },
        },
      },
      k8sOpts,
    );
    const inNs = { ...k8sOpts, dependsOn: [ns] };
    const password = (resourceName: string, length: number) =>
      new random.RandomPassword(`${name}-${resourceName}`, { length, special: false }, { parent: this });

    const rootSecret = new k8s.core.v1.Secret(
      `${name}-root`,
      {
        metadata: { name: `${OBJECT_STORE_SERVICE}-root`, namespace, labels },
        type: "Opaque",
        stringData: {
          MINIO_ROOT_USER: password("access-key", 20).result,
          MINIO_ROOT_PASSWORD: password("secret-key", 40).result,
        },
      },
      inNs,
    );
    const users = args.namespaces.map((flinkNs) => ({
      namespace: flinkNs,
      bucket: stateBucketName(c.bucketPrefix, flinkNs),
      accessKey: password(`${flinkNs}-access-key`, 20).result,
      secretKey: password(`${flinkNs}-secret-key`, 40).result,
    }));
    const usersSecret = new k8s.core.v1.Secret(
      `${name}-users`,
      {
        metadata: { name: `${OBJECT_STORE_SERVICE}-users`, namespace, labels },
        type: "Opaque",
        stringData: Object.fromEntries(
          users.flatMap((u, i) => [
            [userEnv(i).access, u.accessKey],
            [userEnv(i).secret, u.secretKey],
          ]),
        ),
      },
      inNs,
    );

    new k8s.core.v1.PersistentVolumeClaim(
      `${name}-data`,
      {
        metadata: { name: `${OBJECT_STORE_SERVICE}-data`, namespace, labels },
        spec: {
          accessModes: ["ReadWriteOnce"],
          storageClassName: args.storageClass,
          resources: { requests: { storage: formatQuantity(c.storageSize) } },
        },
      },
      inNs,
    );

    const podSpec = (containers: k8s.types.input.core.v1.Container[]) => ({
      securityContext: restrictedPodSecurity(1000),
      automountServiceAccountToken: false,
      containers,
    });
    const rootEnv = [{ secretRef: { name: rootSecret.metadata.name } }];
    const deployment = new k8s.apps.v1.Deployment(
      `${name}-server`,
      {
        metadata: { name: OBJECT_STORE_SERVICE, namespace, labels },
        spec: {
          replicas: 1,
          strategy: { type: "Recreate" },
          selector: { matchLabels: SERVER_LABELS },
          template: {
            metadata: { labels: SERVER_LABELS },
            spec: {
              ...podSpec([
                {
                  name: "server",
                  image: OBJECT_STORE_IMAGE,
                  args: ["server", "/data"],
                  envFrom: rootEnv,
                  ports: [{ name: "s3", containerPort: OBJECT_STORE_PORT }],
                  readinessProbe: { httpGet: { path: "/minio/health/ready", port: "s3" }, periodSeconds: 10 },
                  livenessProbe: { httpGet: { path: "/minio/health/live", port: "s3" }, periodSeconds: 20 },
                  resources: containerResources(c.cpu, c.memory),
                  securityContext: restrictedContainerSecurity(),
                  volumeMounts: [{ name: "data", mountPath: "/data" }],
                },
              ]),
              volumes: [
                { name: "data", persistentVolumeClaim: { claimName: `${OBJECT_STORE_SERVICE}-data` } },
              ],
            },
          },
        },
      },
      inNs,
    );
    const service = new k8s.core.v1.Service(
      `${name}-service`,
      {
        metadata: { name: OBJECT_STORE_SERVICE, namespace, labels },
        spec: { selector: SERVER_LABELS, ports: [{ name: "s3", port: OBJECT_STORE_PORT, targetPort: "s3" }] },
      },
      inNs,
    );

    for (const policy of objectStoreNetworkPolicies(args.namespaces)) {
      new k8s.networking.v1.NetworkPolicy(`${name}-netpol-${policy.metadata.name}`, policy, inNs);
    }

    this.endpoint = `http://${OBJECT_STORE_SERVICE}.${namespace}.svc.cluster.local:${OBJECT_STORE_PORT}`;
    new k8s.batch.v1.Job(
      `${name}-setup`,
      {
        metadata: { name: `${OBJECT_STORE_SERVICE}-setup`, namespace, labels: SETUP_LABELS },
        spec: {
          backoffLimit: 10,
          template: {
            metadata: { labels: SETUP_LABELS },
            spec: {
              ...podSpec([
                {
                  name: "setup",
                  image: OBJECT_STORE_IMAGE,
                  command: ["/bin/sh", "-c"],
                  args: [
                    setupScript(
                      this.endpoint,
                      users.map((u) => u.bucket),
                    ),
                  ],
                  env: [{ name: "HOME", value: "/tmp" }],
                  envFrom: [...rootEnv, { secretRef: { name: usersSecret.metadata.name } }],
                  resources: containerResources(0.1, 128 * 1024 * 1024),
                  securityContext: restrictedContainerSecurity(),
                },
              ]),
              restartPolicy: "OnFailure",
            },
          },
        },
      },
      { ...inNs, dependsOn: [deployment, service] },
    );

    for (const u of users) {
      this.buckets[u.namespace] = u.bucket;
      new k8s.core.v1.Secret(
        `${name}-credentials-${u.namespace}`,
        {
          metadata: { name: OBJECT_STORE_CREDENTIALS_SECRET, namespace: u.namespace, labels },
          type: "Opaque",
          stringData: { AWS_ACCESS_KEY_ID: u.accessKey, AWS_SECRET_ACCESS_KEY: u.secretKey },
        },
        { ...k8sOpts, dependsOn: args.dependsOn },
      );
    }
    this.registerOutputs({ endpoint: this.endpoint });
  }
}

/** The store's namespace: nothing in or out but S3 from the Flink namespaces and the setup Job's own calls. */
export function objectStoreNetworkPolicies(flinkNamespaces: string[]): NetworkPolicyObject[] {
  const setup = { matchLabels: { "app.kubernetes.io/component": "setup" } };
  const s3 = [tcp(OBJECT_STORE_PORT)];
  return [
    networkPolicy(OBJECT_STORE_NAMESPACE, "default-deny", DEFAULT_DENY),
    networkPolicy(OBJECT_STORE_NAMESPACE, "s3-ingress", {
      podSelector: { matchLabels: SERVER_LABELS },
      policyTypes: ["Ingress"],
      ingress: [{ from: [inNamespaces(flinkNamespaces), { podSelector: setup }], ports: s3 }],
    }),
    networkPolicy(OBJECT_STORE_NAMESPACE, "setup-egress", {
      podSelector: setup,
      policyTypes: ["Egress"],
      egress: [{ to: [{ podSelector: { matchLabels: SERVER_LABELS } }], ports: s3 }, DNS_EGRESS],
    }),
  ];
}
