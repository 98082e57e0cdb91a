/**
 * The Flink UI through an Ingress: the FlinkDeployment's `spec.ingress`, which the operator turns
 * into an Ingress named after the deployment, to its `<name>-rest` Service on the REST port,
 * host from the template with {{name}} and {{namespace}} filled in (IngressUtils,
 * flink-kubernetes-operator release-1.15.0). On EKS the AWS Load Balancer Controller serves the
 * `alb` class: IP targets (traffic comes from the load balancer's addresses in the VPC straight
 * to the JobManager pod), internal unless asked otherwise, HTTPS with an ACM certificate (the
 * ALB terminates TLS with ACM certificates only). Pure.
 */
import { FlinkClusterModel, PlatformModel } from "../../config/model";
import { EksClusterConfig, StackConfig } from "../../config/schema";
import { Problem, problem } from "../../config/problems";
import { addressesCovered, IPV4_ADDRESSES } from "../../config/cidrs";

export const ALB_CLASS = "alb";
type UiIngressConfig = NonNullable<StackConfig["ui"]["ingress"]>;

/** The host the operator derives from the template for one cluster. */
export function uiHost(template: string, name: string, namespace: string): string {
  return template.replace(/\{\{name\}\}/g, name).replace(/\{\{namespace\}\}/g, namespace);
}

export function uiIngressClusters(model: Pick<PlatformModel, "namespaces">): FlinkClusterModel[] {
  return model.namespaces.flatMap((ns) => ns.flinkClusters.filter((c) => c.uiIngress));
}

/** The ALB's annotations (kubernetes-sigs/aws-load-balancer-controller v3.5.0 docs/guide/ingress/annotations.md). */
function albAnnotations(
  ui: UiIngressConfig,
  cluster: FlinkClusterModel,
  vpcCidr: string,
): Record<string, string> {
  const cidrs = ui.allowedCidrs.length ? ui.allowedCidrs : [vpcCidr];
  return {
    "alb.ingress.kubernetes.io/scheme": ui.internetFacing ? "internet-facing" : "internal",
    // Straight to the JobManager pod: the operator's REST Service is ClusterIP.
    "alb.ingress.kubernetes.io/target-type": "ip",
    "alb.ingress.kubernetes.io/inbound-cidrs": cidrs.join(","),
    // One load balancer per namespace, shared by its clusters.
    "alb.ingress.kubernetes.io/group.name": `flink-${cluster.namespace}`,
    // Flink's REST API answers /config on the JobManager.
    "alb.ingress.kubernetes.io/healthcheck-path": "/config",
    ...(ui.certificateArn
      ? {
          "alb.ingress.kubernetes.io/listen-ports": '[{"HTTPS":443}]',
          "alb.ingress.kubernetes.io/certificate-arn": ui.certificateArn,
          "alb.ingress.kubernetes.io/ssl-policy": "ELBSecurityPolicy-TLS13-1-2-2021-06",
        }
      : { "alb.ingress.kubernetes.io/listen-ports": '[{"HTTP":80}]' }),
  };
}

/** `spec.ingress` of one FlinkDeployment, or undefined when it is not exposed. */
export function flinkIngress(
  cluster: FlinkClusterModel,
  ui: StackConfig["ui"],
  eks: { vpcCidr: string } | undefined,
): Record<string, unknown> | undefined {
  const ingress = ui.ingress;
  if (!cluster.uiIngress || !ingress) return undefined;
  const host = uiHost(ingress.hostTemplate, cluster.name, cluster.namespace);
  return {
    template: ingress.hostTemplate,
    className: ingress.className ?? ALB_CLASS,
    annotations: {
      ...(eks ? albAnnotations(ingress, cluster, eks.vpcCidr) : {}),
      ...(ingress.clusterIssuer ? { "cert-manager.io/cluster-issuer": ingress.clusterIssuer } : {}),
      ...ingress.annotations,
    },
    labels: { "app.kubernetes.io/part-of": "flink-platform" },
    // cert-manager's ingress-shim issues one Certificate per secretName for these hosts.
    ...(ingress.clusterIssuer ? { tls: [{ hosts: [host], secretName: `${cluster.name}-ui-tls` }] } : {}),
  };
}

export function uiIngressProblems(stack: StackConfig): Problem[] {
  const ingress = stack.ui.ingress;
  const eks = stack.cluster.provider === "eks";
  const problems: Problem[] = [];
  const asked = stack.namespaces.flatMap((ns, i) =>
    (["jobs", "sessionClusters"] as const).flatMap((list) =>
      ns[list].flatMap((c, j) =>
        c.ui?.ingress
          ? [{ name: c.name, namespace: ns.name, path: ["namespaces", i, list, j, "ui", "ingress"] }]
          : [],
      ),
    ),
  );
  if (!ingress) {
    return asked.map((a) =>
      problem(a.path, "needs `ui.ingress` (the host template and, on EKS, the load balancer's settings)"),
    );
  }
  const path = ["ui", "ingress"];
  if (eks) {
    if (ingress.className && ingress.className !== ALB_CLASS) {
      problems.push(
        problem(
          [...path, "className"],
          `on EKS the platform runs the AWS Load Balancer Controller: use "${ALB_CLASS}" or leave it unset`,
        ),
      );
    }
    if (ingress.clusterIssuer) {
      problems.push(
        problem(
          [...path, "clusterIssuer"],
          "an ALB terminates TLS with ACM certificates only: set certificateArn",
        ),
      );
    }
    if (ingress.controllerNamespace) {
      problems.push(
        problem(
          [...path, "controllerNamespace"],
          "only for existing clusters: on EKS the load balancer reaches the pods from the VPC",
        ),
      );
    }
    if (ingress.internetFacing) {
      if (ingress.allowedCidrs.length === 0) {
        problems.push(
          problem(
            [...path, "allowedCidrs"],
            "an internet-facing load balancer needs the networks allowed to it (office, VPN)",
          ),
        );
      }
      if (!ingress.certificateArn) {
        problems.push(
          problem(
            [...path, "certificateArn"],
            "an internet-facing load balancer needs HTTPS: set an ACM certificate",
          ),
        );
      }
    }
    ingress.allowedCidrs.forEach((cidr, i) => {
      if (Number(cidr.split("/")[1]) < 8) {
        problems.push(
          problem(
            [...path, "allowedCidrs", i],
            `${cidr} opens the Flink UI and REST API to a large part of the internet; list networks /8 or narrower`,
          ),
        );
      }
    });
    if (ingress.allowedCidrs.length > 1 && addressesCovered(ingress.allowedCidrs) >= IPV4_ADDRESSES) {
      problems.push(problem([...path, "allowedCidrs"], "together these ranges cover every IPv4 address"));
    }
    const cluster = stack.cluster as EksClusterConfig;
    if (cluster.httpsEgress === "vpc" && asked.length) {
      const needed = [
        "elasticloadbalancing",
        "ec2",
        "sts",
        ...(ingress.certificateArn ? ["acm"] : []),
      ] as const;
      const missing = (needed as readonly EksClusterConfig["interfaceEndpoints"][number][]).filter(
        (service) => !cluster.interfaceEndpoints.includes(service),
      );
      if (missing.length) {
        problems.push(
          problem(
            ["cluster", "interfaceEndpoints"],
            `httpsEgress "vpc" with UI ingress needs ${missing.map((m) => `"${m}"`).join(", ")}: the load balancer controller calls them`,
          ),
        );
      }
    }
  } else {
    for (const key of ["internetFacing", "certificateArn"] as const) {
      if (ingress[key])
        problems.push(problem([...path, key], "only for EKS (the AWS Load Balancer Controller)"));
    }
    if (ingress.allowedCidrs.length)
      problems.push(
        problem([...path, "allowedCidrs"], "only for EKS; restrict access in your ingress controller"),
      );
    if (!ingress.className)
      problems.push(problem([...path, "className"], "name your ingress controller's IngressClass"));
    if (!ingress.controllerNamespace) {
      problems.push(
        problem(
          [...path, "controllerNamespace"],
          "name the namespace of your ingress controller's pods: the NetworkPolicies admit only them to the REST port",
        ),
      );
    }
  }
  const hosts = new Map<string, string>();
  for (const a of asked) {
    const host = uiHost(ingress.hostTemplate, a.name, a.namespace);
    if (hosts.has(host)) {
      problems.push(
        problem(
          a.path,
          `host ${host} is also ${hosts.get(host)}'s: add {{namespace}} to ui.ingress.hostTemplate`,
        ),
      );
    }
    hosts.set(host, `${a.namespace}/${a.name}`);
  }
  return problems;
}
