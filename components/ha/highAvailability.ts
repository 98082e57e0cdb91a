import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { PlatformModel } from "../../config/model";
import { HaSettings } from "../flink/flinkConfig";
import { Placement } from "../kube/placement";
import { ZooKeeperEnsemble } from "./zookeeperEnsemble";
import { OPERATOR_NAMESPACE } from "../flink/operator";

export interface HighAvailabilityArgs {
  model: PlatformModel;
  placement: Placement;
  storageClass?: string;
  provider: k8s.Provider;
}

/**
 * JobManager high availability per namespace: Kubernetes-native (leader ConfigMaps, RBAC in
 * the Flink component), a ZooKeeper ensemble the platform runs, or none where allowed.
 */
export class HighAvailability extends pulumi.ComponentResource {
  readonly zookeeper?: ZooKeeperEnsemble;
  /** The HA settings Flink gets, per namespace. */
  readonly settings: Record<string, HaSettings> = {};

  constructor(name: string, args: HighAvailabilityArgs, opts?: pulumi.ComponentResourceOptions) {
    super("flink-platform:ha:HighAvailability", name, {}, opts);
    const { model } = args;
    const zkNamespaces = model.namespaces.filter((ns) => ns.haMode === "zookeeper").map((ns) => ns.name);
    if (zkNamespaces.length > 0) {
      this.zookeeper = new ZooKeeperEnsemble(
        `${name}-zookeeper`,
        {
          config: model.ha.zookeeper,
          clientNamespaces: [...zkNamespaces, OPERATOR_NAMESPACE],
          strictSpread: model.environment.tier === "production",
          placement: args.placement,
          storageClass: args.storageClass,
          provider: args.provider,
        },
        { parent: this },
      );
    }
    for (const ns of model.namespaces) {
      this.settings[ns.name] =
        ns.haMode === "zookeeper"
          ? { mode: "zookeeper", quorum: this.zookeeper!.quorum }
          : { mode: ns.haMode };
    }
    this.registerOutputs({});
  }
}
