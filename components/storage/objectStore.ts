import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import * as random from "@pulumi/random";
import { StackConfig } from "../../config/schema";
import { formatQuantity } from "../../config/units";
import { OBJECT_STORE_IMAGE } from "../versions";
import { containerResources, restrictedContainerSecurity, restrictedPodSecurity } from "../kube/podSecurity";

export const OBJECT_STORE_NAMESPACE = "flink-storage";
export const OBJECT_STORE_SERVICE = "object-store";
export const OBJECT_STORE_PORT = 9000;
/** Secret in every Flink namespace holding the store's credentials as AWS SDK env vars. */
export const OBJECT_STORE_CREDENTIALS_SECRET = "object-store-credentials";

export interface ObjectStoreArgs {
  config: StackConfig["storage"]["objectStore"];
  /** Flink namespaces that get a copy of the credentials Secret. */
  namespaces: string[];
  storageClass?: string;
  provider: k8s.Provider;
  /** Resources (the Flink namespaces) that must exist before credentials are copied in. */
  dependsOn: pulumi.Input<pulumi.Resource>[];
}

/**
 * An S3-compatible store inside the cluster for local stacks: pinned image, persistent
 * volume, generated credentials in Secrets, and the bucket created by a Job on start. Flink
 * reaches it with `s3://`, an endpoint and path-style access: the same code path as S3.
 */
export class ObjectStore extends pulumi.ComponentResource {
  readonly endpoint: string;
  readonly bucket: string;

  constructor(name: string, args: ObjectStoreArgs, opts?: pulumi.ComponentResourceOptions) {
    super("flink-platform:storage:ObjectStore", name, {}, opts);
    const k8sOpts = { parent: this, provider: args.provider };
    const c = args.config;
    const namespace = OBJECT_STORE_NAMESPACE;
    const labels = {
      "app.kubernetes.io/name": OBJECT_STORE_SERVICE,
      "app.kubernetes.io/part-of": "flink-platform",
    };

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

    const accessKey = new random.RandomPassword(
      `${name}-access-key`,
      { length: 20, special: false },
      { parent: this },
    );
    const secretKey = new random.RandomPassword(
      `${name}-secret-key`,
      { length: 40, special: false },
      { parent: this },
    );
    const rootSecret = new k8s.core.v1.Secret(
      `${name}-root`,
      {
        metadata: { name: `${OBJECT_STORE_SERVICE}-root`, namespace, labels },
        type: "Opaque",
        stringData: { MINIO_ROOT_USER: accessKey.result, MINIO_ROOT_PASSWORD: secretKey.result },
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
          selector: { matchLabels: labels },
          template: {
            metadata: { labels },
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
        spec: { selector: labels, ports: [{ name: "s3", port: OBJECT_STORE_PORT, targetPort: "s3" }] },
      },
      inNs,
    );

    this.endpoint = `http://${OBJECT_STORE_SERVICE}.${namespace}.svc.cluster.local:${OBJECT_STORE_PORT}`;
    this.bucket = c.bucket;
    // Creates the bucket once the server answers; idempotent, so re-runs are harmless.
    new k8s.batch.v1.Job(
      `${name}-create-bucket`,
      {
        metadata: { name: `${OBJECT_STORE_SERVICE}-create-bucket`, namespace, labels },
        spec: {
          backoffLimit: 10,
          template: {
            metadata: { labels: { ...labels, "app.kubernetes.io/component": "create-bucket" } },
            spec: {
              ...podSpec([
                {
                  name: "create-bucket",
                  image: OBJECT_STORE_IMAGE,
                  command: ["/bin/sh", "-c"],
                  args: [
                    `mc alias set store ${this.endpoint} "$MINIO_ROOT_USER" "$MINIO_ROOT_PASSWORD" && ` +
                      `mc mb --ignore-existing store/${c.bucket} && mc version enable store/${c.bucket}`,
                  ],
                  env: [{ name: "HOME", value: "/tmp" }],
                  envFrom: rootEnv,
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

    for (const flinkNs of args.namespaces) {
      new k8s.core.v1.Secret(
        `${name}-credentials-${flinkNs}`,
        {
          metadata: { name: OBJECT_STORE_CREDENTIALS_SECRET, namespace: flinkNs, labels },
          type: "Opaque",
          stringData: { AWS_ACCESS_KEY_ID: accessKey.result, AWS_SECRET_ACCESS_KEY: secretKey.result },
        },
        { ...k8sOpts, dependsOn: args.dependsOn },
      );
    }
    this.registerOutputs({ endpoint: this.endpoint, bucket: this.bucket });
  }
}
