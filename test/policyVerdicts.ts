/**
 * What each policy says about each of its violating fixtures (test/policies.test.ts): the
 * resource and the message, exactly. A policy that flags the wrong resource, for another reason,
 * or in other words fails.
 */
export const VERDICTS: Record<string, Record<string, string[]>> = {
  "container-resources": {
    "container without a memory request": [
      'kubernetes:apps/v1:Deployment::r: container "main" (pod template) has no requests.memory, limits.memory',
    ],
    "Flink process without memory": [
      "kubernetes:flink.apache.org/v1beta1:FlinkDeployment::job: taskManager.resource must set cpu and memory",
    ],
    "sidecar in a Flink pod template without resources": [
      'kubernetes:flink.apache.org/v1beta1:FlinkDeployment::job: container "sidecar" (podTemplate) has no requests.cpu, requests.memory, limits.memory',
    ],
  },
  "memory-limit-equals-request": {
    "memory limit above the request": [
      'kubernetes:apps/v1:Deployment::r: container "main" (pod template) has memory limit 2Gi ≠ request 1Gi',
    ],
    "memory limit factor": [
      "kubernetes:flink.apache.org/v1beta1:FlinkDeployment::job: kubernetes.taskmanager.memory.limit-factor is 1.5; it must be 1",
    ],
    "CPU limit factor": [
      "kubernetes:flink.apache.org/v1beta1:FlinkDeployment::job: kubernetes.jobmanager.cpu.limit-factor is 50; it must be 1",
    ],
  },
  "resource-caps": {
    parallelism: [
      "kubernetes:flink.apache.org/v1beta1:FlinkDeployment::job: 256 TaskManagers, above the cap of 50",
      "kubernetes:flink.apache.org/v1beta1:FlinkDeployment::job: parallelism 1024, above the cap of 512",
    ],
    TaskManagers: [
      "kubernetes:flink.apache.org/v1beta1:FlinkDeployment::job: 400 TaskManagers, above the cap of 50",
    ],
    "Flink process memory": [
      "kubernetes:flink.apache.org/v1beta1:FlinkDeployment::job: taskManager asks for 400Gi memory, above the cap of 32Gi",
    ],
    "container CPU": [
      'kubernetes:apps/v1:Deployment::r: container "main" (pod template) asks for 200 cpu, above the cap of 8',
    ],
    "chart values (Prometheus at 200 CPU / 4000Gi)": [
      "kubernetes:helm.sh/v3:Release::release: values.prometheus.prometheusSpec.resources asks for 200 cpu, above the cap of 8",
      "kubernetes:helm.sh/v3:Release::release: values.prometheus.prometheusSpec.resources asks for 4000Gi memory, above the cap of 32Gi",
    ],
    "autoscaler ceiling": [
      "kubernetes:flink.apache.org/v1beta1:FlinkDeployment::job: autoscaler max parallelism 4096, above the cap of 512",
    ],
  },
  "namespace-quota-and-limits": {
    "no LimitRange": ['namespace/payments: namespace "payments" runs Flink but has no LimitRange'],
    "no ResourceQuota": ['namespace/payments: namespace "payments" runs Flink but has no ResourceQuota'],
  },
  "pod-security": {
    hostNetwork: ["kubernetes:apps/v1:Deployment::r: pod template: hostNetwork is true"],
    hostPID: ["kubernetes:apps/v1:DaemonSet::r: pod template: hostPID is true"],
    hostPath: ['kubernetes:batch/v1:Job::r: pod template: volume "root" is a hostPath'],
    privileged: ['kubernetes:batch/v1:CronJob::r: container "main" (pod template) is privileged'],
    "privilege escalation": [
      'kubernetes:apps/v1:StatefulSet::r: container "main" (pod template) allows privilege escalation',
    ],
    "root user": ["kubernetes:apps/v1:Deployment::r: pod template: runs as root (runAsUser 0)"],
    "Flink host network": [
      "kubernetes:flink.apache.org/v1beta1:FlinkDeployment::job: kubernetes.hostnetwork.enabled is true",
    ],
    "Flink pod template hostPath": [
      'kubernetes:flink.apache.org/v1beta1:FlinkDeployment::job: podTemplate: volume "docker" is a hostPath',
    ],
    "chart values host network": [
      "kubernetes:helm.sh/v3:Release::release: values.prometheus-node-exporter.hostNetwork is true",
    ],
  },
  "namespace-pod-security": {
    "no enforce label": [
      "kubernetes:core/v1:Namespace::r: enforces no Pod Security level (pod-security.kubernetes.io/enforce)",
    ],
    "baseline without a reason": [
      'kubernetes:core/v1:Namespace::r: enforces only "baseline" without a flink-platform/pod-security-reason annotation saying why',
    ],
  },
  "no-external-services": {
    LoadBalancer: [
      "kubernetes:core/v1:Service::r: is of type LoadBalancer without the flink-platform/external-access-approved annotation",
    ],
    NodePort: [
      "kubernetes:core/v1:Service::r: is of type NodePort without the flink-platform/external-access-approved annotation",
    ],
    "Flink REST as LoadBalancer": [
      "kubernetes:flink.apache.org/v1beta1:FlinkDeployment::job: exposes Flink's REST API as LoadBalancer",
    ],
    "chart values": ["kubernetes:helm.sh/v3:Release::release: values.grafana.service.type is LoadBalancer"],
  },
  "namespace-default-deny": {
    "no policy": ['namespace/payments: namespace "payments" has no default-deny NetworkPolicy'],
    "a created namespace without one": ['namespace/x: namespace "x" has no default-deny NetworkPolicy'],
    "ingress only": ['namespace/x: namespace "x" has no default-deny NetworkPolicy'],
    "a deny with rules": ['namespace/payments: namespace "payments" has no default-deny NetworkPolicy'],
  },
  "flink-autoscaler-within-quota": {
    "ceiling beyond the quota": [
      'kubernetes:flink.apache.org/v1beta1:FlinkDeployment::job: its autoscaler may grow to 8 TaskManagers, beyond the quota of namespace "payments" (cpu 18 > 17)',
    ],
  },
  "jar-uris-secure": {
    "plain http": [
      "kubernetes:flink.apache.org/v1beta1:FlinkDeployment::job: jarURI http://repo.example/job.jar is fetched without TLS",
    ],
  },
  "flink-pod-templates-platform-owned": {
    "a service account": [
      "kubernetes:flink.apache.org/v1beta1:FlinkDeployment::job: podTemplate sets its own service account",
    ],
    "a sidecar on the REST port": [
      'kubernetes:flink.apache.org/v1beta1:FlinkDeployment::job: container "proxy" (podTemplate) listens on Flink\'s port 8081',
    ],
    "a mount over Flink's configuration": [
      'kubernetes:flink.apache.org/v1beta1:FlinkDeployment::job: container "flink-main-container" (podTemplate) mounts over /opt/flink/conf',
    ],
    "a plain password": [
      'kubernetes:flink.apache.org/v1beta1:FlinkDeployment::job: container "flink-main-container" (podTemplate) has a plain value for DB_PASSWORD: reference a Secret (valueFrom.secretKeyRef)',
    ],
  },
  "images-pinned": {
    "no tag": [
      'kubernetes:apps/v1:Deployment::r: container "main" (pod template): image "registry:5000/minio/minio" has no tag',
    ],
    latest: [
      'kubernetes:flink.apache.org/v1beta1:FlinkDeployment::job: spec.image: image "flink:latest" uses the mutable "latest" tag',
    ],
    "chart values": [
      'kubernetes:helm.sh/v3:Release::release: values.image: image "quay.io/prometheus/prometheus:latest" uses the mutable "latest" tag',
    ],
  },
  "images-allowed-registries": {
    "other registry": [
      'kubernetes:apps/v1:Deployment::r: container "main" (pod template): image "evil.example.com/miner:1.0" is not from an allowed registry (docker.io/library/, docker.io/apache/, docker.io/minio/, quay.io/, registry.k8s.io/, public.ecr.aws/)',
    ],
    "Docker Hub user image": [
      'kubernetes:flink.apache.org/v1beta1:FlinkDeployment::job: spec.image: image "someone/flink:1.20" is not from an allowed registry (docker.io/library/, docker.io/apache/, docker.io/minio/, quay.io/, registry.k8s.io/, public.ecr.aws/)',
    ],
  },
  "images-by-digest": {
    "Flink image by tag": [
      'kubernetes:flink.apache.org/v1beta1:FlinkDeployment::job: spec.image: image "flink:1.20.3-scala_2.12-java17" is not pinned by digest',
    ],
    "container by tag": [
      'kubernetes:apps/v1:Deployment::r: container "main" (pod template): image "minio/minio:RELEASE.2025-09-07T16-13-09Z" is not pinned by digest',
    ],
  },
  "s3-bucket-hardened": {
    "no TLS policy": [
      "bucket: has no bucket policy denying requests without TLS to its objects (aws:SecureTransport)",
    ],
    "TLS deny on the bucket only": [
      "bucket: has no bucket policy denying requests without TLS to its objects (aws:SecureTransport)",
    ],
    "versioning suspended": ["bucket: has versioning suspended: overwritten and deleted state is not kept"],
    "no KMS": ["bucket: is not encrypted with KMS (SSE-KMS)"],
    "public access not blocked": ["bucket: does not block all four kinds of public access"],
  },
  "s3-no-public-policy": {
    "public read": ['aws:s3/bucketPolicy:BucketPolicy::p: allows anyone (Principal "*") without a condition'],
  },
  "iam-no-wildcard-admin": {
    "action *": ['aws:iam/rolePolicy:RolePolicy::policy: allows every action ("*")'],
    "s3:* on *": ["aws:iam/rolePolicy:RolePolicy::policy: allows s3:* on every resource"],
    "iam:* on *": ["aws:iam/rolePolicy:RolePolicy::policy: allows iam:* on every resource"],
    NotResource: ["aws:iam/rolePolicy:RolePolicy::policy: allows with NotResource (everything but a list)"],
    AdministratorAccess: [
      "aws:iam/rolePolicyAttachment:RolePolicyAttachment::admin: attaches arn:aws:iam::aws:policy/AdministratorAccess",
    ],
  },
  "iam-trust-scoped": {
    "every AWS principal": ['aws:iam/role:Role::role: trusts every AWS principal ("*")'],
    "service without aws:SourceAccount": [
      "aws:iam/role:Role::role: trusts eks.amazonaws.com without aws:SourceAccount",
    ],
  },
  "eks-secrets-encryption": {
    "no encryption": ["aws:eks/cluster:Cluster::eks: does not encrypt secrets with KMS"],
  },
  "eks-imdsv2-required": {
    IMDSv1: [
      "aws:ec2/launchTemplate:LaunchTemplate::lt: does not require IMDSv2 (metadataOptions.httpTokens)",
    ],
    "hop limit 2": [
      "aws:ec2/launchTemplate:LaunchTemplate::lt: lets pods reach instance metadata (hop limit 2 > 1)",
    ],
    "node group without a launch template": [
      "aws:eks/nodeGroup:NodeGroup::ng: has no launch template, so its nodes accept IMDSv1",
    ],
  },
  "eks-endpoint-not-open": {
    "no CIDRs": [
      "aws:eks/cluster:Cluster::eks: has a public API endpoint open to 0.0.0.0/0 (no publicAccessCidrs)",
    ],
    "0.0.0.0/0": ["aws:eks/cluster:Cluster::eks: has a public API endpoint open to 0.0.0.0/0"],
    "two halves": [
      "aws:eks/cluster:Cluster::eks: has a public API endpoint open to 0.0.0.0/1",
      "aws:eks/cluster:Cluster::eks: has a public API endpoint open to 128.0.0.0/1",
    ],
  },
  "eks-network-policy-enforced": {
    "not enabled": ["aws:eks/addon:Addon::vpc-cni: the VPC CNI add-on does not enforce NetworkPolicies"],
    "no CNI add-on": ["vpc-cni: the VPC CNI add-on does not enforce NetworkPolicies"],
  },
  "no-open-security-group-ingress": {
    "ipv4 anywhere": ["aws:ec2/securityGroup:SecurityGroup::sg: admits ingress from 0.0.0.0/0"],
    "ipv6 anywhere (rule)": ["aws:ec2/securityGroupRule:SecurityGroupRule::r: admits ingress from ::/0"],
    "vpc ingress rule": [
      "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule::r: admits ingress from 0.0.0.0/0",
    ],
  },
  "production-ha": {
    "no HA key": ["kubernetes:flink.apache.org/v1beta1:FlinkDeployment::job: runs without high availability"],
    "None in any case": [
      "kubernetes:flink.apache.org/v1beta1:FlinkDeployment::job: runs without high availability",
    ],
  },
  "production-stateful-upgrade": {
    "stateless unapproved": [
      'kubernetes:flink.apache.org/v1beta1:FlinkDeployment::job: upgrades with "stateless", losing state (approve with allowStatelessInProduction)',
    ],
  },
  "production-standby-jobmanagers": {
    "one JobManager": [
      "kubernetes:flink.apache.org/v1beta1:FlinkDeployment::job: runs 1 JobManager, no standby",
    ],
  },
  "production-zookeeper-quorum": {
    even: ["kubernetes:apps/v1:StatefulSet::r: has 2 members; use an odd number ≥ 3"],
    "one member": ["kubernetes:apps/v1:StatefulSet::r: has 1 members; use an odd number ≥ 3"],
  },
  "production-state-protected": {
    "bucket not retained": [
      "aws:s3/bucket:Bucket::b: state bucket is not kept on delete (retainOnDelete: true)",
    ],
    "key not protected": ["aws:kms/key:Key::k: KMS key is not protected (protect: true)"],
    "cluster not protected": ["aws:eks/cluster:Cluster::c: EKS cluster is not protected (protect: true)"],
  },
  "production-alert-receiver": {
    "every alert to the null receiver": [
      'kubernetes:helm.sh/v3:Release::kps-monitoring: critical alerts reach no receiver that notifies anyone; add one, or annotate namespace "monitoring" with flink-platform/no-alert-receiver-reason saying why',
    ],
    "a receiver without an integration": [
      'kubernetes:helm.sh/v3:Release::kps-monitoring: critical alerts reach no receiver that notifies anyone; add one, or annotate namespace "monitoring" with flink-platform/no-alert-receiver-reason saying why',
    ],
    "the pager only gets warnings": [
      'kubernetes:helm.sh/v3:Release::kps-monitoring: critical alerts reach no receiver that notifies anyone; add one, or annotate namespace "monitoring" with flink-platform/no-alert-receiver-reason saying why',
    ],
    "Alertmanager disabled": [
      'kubernetes:helm.sh/v3:Release::kps-monitoring: critical alerts reach no receiver that notifies anyone; add one, or annotate namespace "monitoring" with flink-platform/no-alert-receiver-reason saying why',
    ],
  },
};
