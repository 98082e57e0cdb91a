import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import { PlatformModel } from "../../config/model";
import { POD_SECURITY_REASON_ANNOTATION } from "../../policies/annotations";
import { AWS_FOR_FLUENT_BIT } from "../versions";
import { irsaTrustPolicy } from "../aws/iamPolicies";
import { rotatingKmsKey } from "../aws/kmsKey";
import { roleName } from "../aws/names";
import { ClusterNetwork } from "../kube/networkPolicy";
import {
  FLUENT_BIT_SERVICE_ACCOUNT,
  fluentBitValues,
  logGroupName,
  LOGGING_NAMESPACE,
  LOGGING_POD_SECURITY_REASON,
} from "./fluentBit";
import { logShippingPolicy, logsKeyStatements } from "./iamPolicies";
import { loggingNetworkPolicies } from "./networkPolicies";
import { errorFrequencyQuery } from "./queries";

export interface LoggingArgs {
  model: PlatformModel;
  /** Namespaces whose container logs are shipped (team namespaces and the platform's). */
  namespaces: string[];
  network: ClusterNetwork;
  provider: k8s.Provider;
  /** EKS: the cluster's IRSA identity provider (CloudWatch Logs needs it). */
  oidc?: { providerArn: pulumi.Input<string>; issuerUrl: pulumi.Input<string> };
  tags: Record<string, string>;
}

/**
 * Container logs off the nodes: Fluent Bit (aws-for-fluent-bit, pinned) on every node in its own
 * namespace; on EKS a KMS-encrypted CloudWatch log group per namespace with the configured
 * retention, the agent's IRSA role limited to those groups, and a saved Logs Insights query for
 * errors and exceptions per job; elsewhere the configured Loki or OpenSearch endpoint.
 */
export class Logging extends pulumi.ComponentResource {
  constructor(name: string, args: LoggingArgs, opts?: pulumi.ComponentResourceOptions) {
    super("flink-platform:logging:Logging", name, {}, opts);
    const { model } = args;
    const env = model.environment.name;
    const production = model.environment.tier === "production";
    const namespaces = [...new Set(args.namespaces)].sort();

    let cloudWatch: { region: string; roleArn: pulumi.Output<string> } | undefined;
    if (model.logging.destination === "cloudwatch") {
      if (model.cluster.provider !== "eks" || !args.oidc) throw new Error("CloudWatch Logs needs EKS");
      const region = model.cluster.region;
      const prefix = logGroupName(env, "");
      const key = rotatingKmsKey(
        `${name}-key`,
        `Container logs in CloudWatch Logs ${prefix}*`,
        args.tags,
        { parent: this, protect: production },
        (account, partition) => logsKeyStatements(account, partition, region, prefix),
      );
      const groups = namespaces.map(
        (ns) =>
          new aws.cloudwatch.LogGroup(
            `${name}-${ns}`,
            {
              name: logGroupName(env, ns),
              retentionInDays: model.logging.retentionDays,
              kmsKeyId: key.arn,
              tags: { ...args.tags, "flink-platform/namespace": ns },
            },
            { parent: this },
          ),
      );
      const role = new aws.iam.Role(
        `${name}-role`,
        {
          name: roleName(`flink-${env}`, "log-shipping"),
          description: "Fluent Bit: put container logs into the platform's log groups",
          assumeRolePolicy: pulumi
            .all([args.oidc.providerArn, args.oidc.issuerUrl])
            .apply(([arn, url]) =>
              JSON.stringify(irsaTrustPolicy(arn, url, LOGGING_NAMESPACE, FLUENT_BIT_SERVICE_ACCOUNT)),
            ),
          permissionsBoundary: model.cluster.permissionsBoundaryArn,
          tags: args.tags,
        },
        { parent: this },
      );
      new aws.iam.RolePolicy(
        `${name}-role`,
        {
          role: role.id,
          policy: pulumi
            .all(groups.map((g) => g.arn))
            .apply((arns) => JSON.stringify(logShippingPolicy(arns))),
        },
        { parent: this },
      );
      new aws.cloudwatch.QueryDefinition(
        `${name}-errors-per-job`,
        {
          name: `flink-platform/${env}/errors-and-exceptions-per-job`,
          logGroupNames: groups.map((g) => g.name),
          queryString: errorFrequencyQuery(),
        },
        { parent: this },
      );
      cloudWatch = { region, roleArn: role.arn };
    }

    const namespace = new k8s.core.v1.Namespace(
      `${name}-ns`,
      {
        metadata: {
          name: LOGGING_NAMESPACE,
          labels: {
            "app.kubernetes.io/part-of": "flink-platform",
            "pod-security.kubernetes.io/enforce": "privileged",
            "pod-security.kubernetes.io/warn": "privileged",
          },
          annotations: { [POD_SECURITY_REASON_ANNOTATION]: LOGGING_POD_SECURITY_REASON },
        },
      },
      { parent: this, provider: args.provider },
    );
    const inNs = { parent: this, provider: args.provider, dependsOn: [namespace] };
    for (const policy of loggingNetworkPolicies(model.logging, args.network)) {
      new k8s.networking.v1.NetworkPolicy(`${name}-netpol-${policy.metadata.name}`, policy, inNs);
    }
    new k8s.helm.v3.Release(
      `${name}-fluent-bit`,
      {
        name: "fluent-bit",
        chart: AWS_FOR_FLUENT_BIT.chart,
        version: AWS_FOR_FLUENT_BIT.version,
        repositoryOpts: { repo: AWS_FOR_FLUENT_BIT.repository },
        namespace: LOGGING_NAMESPACE,
        atomic: true,
        values: cloudWatch
          ? cloudWatch.roleArn.apply((roleArn) =>
              fluentBitValues({
                logging: model.logging,
                environment: env,
                namespaces,
                cloudWatch: { region: cloudWatch!.region, roleArn },
              }),
            )
          : fluentBitValues({ logging: model.logging, environment: env, namespaces }),
      },
      inNs,
    );
    this.registerOutputs({});
  }
}
