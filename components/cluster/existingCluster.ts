import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";

export interface ExistingClusterArgs {
  /** Path to a kubeconfig file; the provider's usual discovery when omitted. */
  kubeconfig?: string;
  /** Context in that kubeconfig (kind-flink, minikube, k3d-flink...). */
  context?: string;
}

/** A cluster that already exists (kind, minikube, k3d), reached through an explicit provider. */
export class ExistingCluster extends pulumi.ComponentResource {
  readonly provider: k8s.Provider;

  constructor(name: string, args: ExistingClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("flink-platform:cluster:ExistingCluster", name, {}, opts);
    this.provider = new k8s.Provider(
      `${name}-k8s`,
      { kubeconfig: args.kubeconfig, context: args.context, enableServerSideApply: true },
      { parent: this },
    );
    this.registerOutputs({});
  }
}
