/**
 * The Flink UI through an Ingress: what the operator is asked to create, the AWS Load Balancer
 * Controller the platform installs on EKS for it (values, IAM scoped to this cluster, network),
 * exactly who reaches the REST port, and the settings refused at preview.
 */
import { strict as assert } from "assert";
import { manifest, ofType, problemsOf, render, stackVariant } from "./harness";
import { allowed, Endpoint, NetworkPolicyLike, PodEndpoint } from "../components/kube/networkFlows";
import { evaluate, IamRequest } from "../components/aws/iamEvaluation";
import { CLUSTER_TAG, loadBalancerControllerPolicy } from "../components/ingress/iamPolicy";
import { RecordedResource } from "../tools/offline/mockRuntime";

const policiesOf = (resources: RecordedResource[]): NetworkPolicyLike[] =>
  resources.map((r) => r.inputs as any).filter((m) => m?.kind === "NetworkPolicy");
const jobManager = (namespace: string, app: string): PodEndpoint => ({
  kind: "pod",
  namespace,
  labels: {
    app,
    component: "jobmanager",
    type: "flink-native-kubernetes",
    "app.kubernetes.io/part-of": "flink-platform",
  },
});
const prod = () => render(stackVariant("prod"), "prod");

describe("Flink UI ingress", () => {
  it("asks the operator for an internal ALB over HTTPS to the exposed JobManager only", async () => {
    const { resources } = await prod();
    const fd = manifest(resources, "FlinkDeployment", "fraud-detection", "payments");
    assert.equal(fd.spec.ingress.template, "{{name}}.{{namespace}}.flink.prod.acme.internal");
    assert.equal(fd.spec.ingress.className, "alb");
    const a = fd.spec.ingress.annotations;
    assert.equal(a["alb.ingress.kubernetes.io/scheme"], "internal");
    assert.equal(a["alb.ingress.kubernetes.io/target-type"], "ip");
    assert.equal(a["alb.ingress.kubernetes.io/inbound-cidrs"], "10.40.0.0/16");
    assert.equal(a["alb.ingress.kubernetes.io/listen-ports"], '[{"HTTPS":443}]');
    assert.match(a["alb.ingress.kubernetes.io/certificate-arn"], /^arn:aws:acm:eu-west-1:/);
    // Only the cluster that asked.
    assert.equal(
      manifest(resources, "FlinkDeployment", "ledger-reconciliation", "payments").spec.ingress,
      undefined,
    );
  });

  it("admits exactly the load balancer's VPC addresses to the exposed JobManager's REST port", async () => {
    const { resources } = await prod();
    const policies = policiesOf(resources);
    const alb: Endpoint = { kind: "external", ip: "10.40.1.23" };
    const internet: Endpoint = { kind: "external", ip: "198.51.100.7" };
    const exposed = jobManager("payments", "fraud-detection");
    const flow = (from: Endpoint, to: PodEndpoint, port = 8081) =>
      allowed(policies, { from, to, port, protocol: "TCP" });
    assert.ok(flow(alb, exposed), "ALB → exposed JobManager 8081");
    assert.ok(!flow(internet, exposed), "internet → JobManager");
    assert.ok(!flow(alb, exposed, 6123), "ALB → JobManager RPC");
    assert.ok(!flow(alb, jobManager("payments", "ledger-reconciliation")), "ALB → a JobManager not exposed");
    assert.ok(
      !flow(alb, { ...exposed, labels: { ...exposed.labels, component: "taskmanager" } }),
      "ALB → TaskManager",
    );
    assert.ok(
      !flow({ kind: "pod", namespace: "analytics", labels: { app: "x" } }, exposed),
      "another team's pod",
    );
  });

  it("installs the AWS Load Balancer Controller only when a cluster asks, restricted and without WAF, Shield or the Service webhook", async () => {
    const { resources } = await prod();
    const release = ofType(resources, "kubernetes:helm.sh/v3:Release").find(
      (r) => (r.inputs as any).chart === "aws-load-balancer-controller",
    )!;
    const v = (release.inputs as any).values;
    assert.equal(v.clusterName, "flink-prod");
    assert.equal(v.region, "eu-west-1");
    assert.ok(v.vpcId, "the VPC is given, never looked up through instance metadata");
    assert.match(
      v.serviceAccount.annotations["eks.amazonaws.com/role-arn"],
      /:role\/flink-prod-lb-controller$/,
    );
    assert.deepEqual(
      [v.enableShield, v.enableWaf, v.enableWafv2, v.enableServiceMutatorWebhook],
      [false, false, false, false],
    );
    assert.equal(v.replicaCount, 2);
    const ns = manifest(resources, "Namespace", "aws-load-balancer-controller");
    assert.equal(ns.metadata.labels["pod-security.kubernetes.io/enforce"], "restricted");
    // Control plane → webhook; the controller → the API and AWS on 443; nobody else in.
    const policies = policiesOf(resources);
    const controller: PodEndpoint = {
      kind: "pod",
      namespace: "aws-load-balancer-controller",
      labels: { "app.kubernetes.io/name": "aws-load-balancer-controller", "app.kubernetes.io/instance": "x" },
    };
    const controlPlane: Endpoint = { kind: "external", ip: "10.40.32.7" };
    assert.ok(allowed(policies, { from: controlPlane, to: controller, port: 9443, protocol: "TCP" }));
    assert.ok(
      allowed(policies, {
        from: controller,
        to: { kind: "external", ip: "52.94.0.1" },
        port: 443,
        protocol: "TCP",
      }),
    );
    assert.ok(
      !allowed(policies, { from: jobManager("payments", "x"), to: controller, port: 9443, protocol: "TCP" }),
    );

    const without = await render(
      stackVariant("prod", (c) => delete c.namespaces[1].jobs[0].ui),
      "prod",
    );
    assert.ok(
      !ofType(without.resources, "kubernetes:helm.sh/v3:Release").some(
        (r) => (r.inputs as any).chart === "aws-load-balancer-controller",
      ),
    );
    assert.ok(!ofType(without.resources, "aws:iam/role:Role").some((r) => r.name.includes("lb-controller")));
  });

  describe("the controller's IAM policy", () => {
    const scope = {
      partition: "aws",
      region: "eu-west-1",
      account: "123456789012",
      clusterName: "flink-prod",
      vpcId: "vpc-0abc",
    };
    const policy = [loadBalancerControllerPolicy(scope)];
    const elb = (r: string) => `arn:aws:elasticloadbalancing:eu-west-1:123456789012:${r}`;
    const sg = "arn:aws:ec2:eu-west-1:123456789012:security-group/sg-1";
    const tagged = (cluster: string) => ({ [`aws:ResourceTag/${CLUSTER_TAG}`]: cluster });
    const tagging = (cluster: string) => ({ [`aws:RequestTag/${CLUSTER_TAG}`]: cluster });
    const decide = (r: IamRequest) => evaluate(policy, [], r);

    it("creates load balancers, target groups and security groups only tagged for this cluster", () => {
      const lb = elb("loadbalancer/app/k8s-flink-abc/123");
      assert.equal(
        decide({
          action: "elasticloadbalancing:CreateLoadBalancer",
          resource: lb,
          context: tagging("flink-prod"),
        }),
        "allow",
      );
      assert.equal(
        decide({
          action: "elasticloadbalancing:CreateLoadBalancer",
          resource: lb,
          context: tagging("flink-staging"),
        }),
        "implicit-deny",
      );
      assert.equal(
        decide({ action: "elasticloadbalancing:CreateLoadBalancer", resource: lb }),
        "implicit-deny",
      );
      assert.equal(
        decide({ action: "ec2:CreateSecurityGroup", resource: sg, context: tagging("flink-prod") }),
        "allow",
      );
      assert.equal(
        decide({
          action: "ec2:CreateSecurityGroup",
          resource: "arn:aws:ec2:eu-west-1:123456789012:vpc/vpc-0abc",
        }),
        "allow",
      );
      assert.equal(
        decide({
          action: "ec2:CreateSecurityGroup",
          resource: "arn:aws:ec2:eu-west-1:123456789012:vpc/vpc-other",
        }),
        "implicit-deny",
      );
    });

    it("changes and deletes only this cluster's resources, and cannot make another's its own", () => {
      const tg = elb("targetgroup/k8s-x/1");
      assert.equal(
        decide({
          action: "elasticloadbalancing:DeleteTargetGroup",
          resource: tg,
          context: tagged("flink-prod"),
        }),
        "allow",
      );
      assert.equal(
        decide({
          action: "elasticloadbalancing:DeleteTargetGroup",
          resource: tg,
          context: tagged("flink-staging"),
        }),
        "implicit-deny",
      );
      assert.equal(
        decide({
          action: "elasticloadbalancing:DeleteLoadBalancer",
          resource: elb("loadbalancer/app/other/1"),
        }),
        "implicit-deny",
      );
      assert.equal(
        decide({ action: "ec2:DeleteSecurityGroup", resource: sg, context: tagged("flink-staging") }),
        "implicit-deny",
      );
      // Tagging someone else's group or load balancer with our cluster tag would hand it over.
      assert.equal(
        decide({ action: "ec2:CreateTags", resource: sg, context: tagging("flink-prod") }),
        "implicit-deny",
      );
      assert.equal(
        decide({ action: "elasticloadbalancing:AddTags", resource: tg, context: tagging("flink-prod") }),
        "implicit-deny",
      );
      assert.equal(
        decide({
          action: "elasticloadbalancing:AddTags",
          resource: tg,
          context: { ...tagging("flink-prod"), "elasticloadbalancing:CreateAction": "CreateTargetGroup" },
        }),
        "allow",
      );
    });

    it("opens security groups of this VPC only, and has no WAF, Shield or other region", () => {
      const rule = (vpc: string): IamRequest => ({
        action: "ec2:AuthorizeSecurityGroupIngress",
        resource: sg,
        context: { "ec2:Vpc": `arn:aws:ec2:eu-west-1:123456789012:vpc/${vpc}` },
      });
      assert.equal(decide(rule("vpc-0abc")), "allow");
      assert.equal(decide(rule("vpc-other")), "implicit-deny");
      for (const action of [
        "wafv2:AssociateWebACL",
        "shield:CreateProtection",
        "iam:PassRole",
        "ec2:RunInstances",
      ]) {
        assert.equal(
          decide({ action, resource: "*", context: { "aws:RequestedRegion": "eu-west-1" } }),
          "implicit-deny",
          action,
        );
      }
      assert.equal(
        decide({
          action: "elasticloadbalancing:DescribeLoadBalancers",
          resource: "*",
          context: { "aws:RequestedRegion": "us-east-1" },
        }),
        "implicit-deny",
      );
    });
  });

  it("on an existing cluster, uses the team's controller: its class, TLS from cert-manager, its pods admitted", async () => {
    const { resources } = await render(
      stackVariant("dev", (c) => {
        c.ui = {
          ingress: {
            hostTemplate: "{{name}}.{{namespace}}.flink.localtest.me",
            className: "nginx",
            controllerNamespace: "ingress-nginx",
            clusterIssuer: "local-ca",
          },
        };
        c.namespaces[0].jobs[0].ui = { ingress: true };
      }),
      "dev",
    );
    const fd = manifest(resources, "FlinkDeployment", "clickstream-enrichment", "analytics");
    assert.equal(fd.spec.ingress.className, "nginx");
    assert.equal(fd.spec.ingress.annotations["cert-manager.io/cluster-issuer"], "local-ca");
    assert.deepEqual(fd.spec.ingress.tls, [
      {
        hosts: ["clickstream-enrichment.analytics.flink.localtest.me"],
        secretName: "clickstream-enrichment-ui-tls",
      },
    ]);
    const policies = policiesOf(resources);
    const jm = jobManager("analytics", "clickstream-enrichment");
    const nginx: PodEndpoint = { kind: "pod", namespace: "ingress-nginx", labels: { app: "ingress-nginx" } };
    assert.ok(allowed(policies, { from: nginx, to: jm, port: 8081, protocol: "TCP" }));
    assert.ok(
      !allowed(policies, {
        from: { kind: "pod", namespace: "default", labels: {} },
        to: jm,
        port: 8081,
        protocol: "TCP",
      }),
    );
    assert.ok(
      !ofType(resources, "kubernetes:helm.sh/v3:Release").some(
        (r) => (r.inputs as any).chart === "aws-load-balancer-controller",
      ),
    );
  });

  describe("refused at preview", () => {
    const refused = (
      edit: (c: Record<string, any>) => void,
      path: string,
      message: RegExp,
      stack: "prod" | "dev" = "prod",
    ) => {
      const found = problemsOf(stackVariant(stack, edit));
      const line = found.find((l) => l.startsWith(`flink-platform:${path}: `));
      assert.ok(line, `${path} not refused:\n${found.join("\n")}`);
      assert.match(line!, message);
    };
    it("a cluster that asks without ui.ingress", () =>
      refused((c) => delete c.ui, "namespaces[1].jobs[0].ui.ingress", /needs `ui.ingress`/));
    it("an internet-facing load balancer without allowed networks or HTTPS", () => {
      refused(
        (c) => (c.ui.ingress = { hostTemplate: "{{name}}.x.example", internetFacing: true }),
        "ui.ingress.allowedCidrs",
        /networks allowed/,
      );
      refused(
        (c) =>
          (c.ui.ingress = {
            hostTemplate: "{{name}}.x.example",
            internetFacing: true,
            allowedCidrs: ["203.0.113.0/24"],
          }),
        "ui.ingress.certificateArn",
        /needs HTTPS/,
      );
    });
    it("half the internet", () =>
      refused(
        (c) => (c.ui.ingress.allowedCidrs = ["0.0.0.0/1"]),
        "ui.ingress.allowedCidrs[0]",
        /large part of the internet/,
      ));
    it("another class on EKS", () =>
      refused((c) => (c.ui.ingress.className = "nginx"), "ui.ingress.className", /use "alb"/));
    it("a template without {{name}}", () =>
      refused(
        (c) => (c.ui.ingress.hostTemplate = "flink.example.com"),
        "ui.ingress.hostTemplate",
        /must contain \{\{name\}\}/,
      ));
    it("two clusters on one host", () =>
      refused(
        (c) => {
          c.ui.ingress.hostTemplate = "{{name}}.flink.example.com";
          c.namespaces[0].jobs[0].name = "fraud-detection";
          c.namespaces[0].snapshots = [];
          c.namespaces[0].jobs[0].ui = { ingress: true };
        },
        "namespaces[1].jobs[0].ui.ingress",
        /host fraud-detection\.flink\.example\.com is also analytics\/fraud-detection's/,
      ));
    it("an existing cluster without its controller's namespace", () =>
      refused(
        (c) => {
          c.ui = { ingress: { hostTemplate: "{{name}}.local", className: "nginx" } };
          c.namespaces[0].jobs[0].ui = { ingress: true };
        },
        "ui.ingress.controllerNamespace",
        /NetworkPolicies admit only them/,
        "dev",
      ));
  });
});
