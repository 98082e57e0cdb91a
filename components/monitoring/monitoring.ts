import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { PlatformModel } from "../../config/model";

export const MONITORING_NAMESPACE = "monitoring";

export interface MonitoringArgs {
  config: PlatformModel["monitoring"];
  /** Alert receiver URLs by secret config key. */
  secrets: PlatformModel["secrets"];
  provider: k8s.Provider;
}

/**
 * The monitoring namespace. Prometheus, Alertmanager, Grafana, scraping and alert rules are
 * the monitoring issue's work; the receiver secrets are already wired in as Pulumi secrets.
 */
export class Monitoring extends pulumi.ComponentResource {
  readonly namespace?: k8s.core.v1.Namespace;

  constructor(name: string, args: MonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
    super("flink-platform:monitoring:Monitoring", name, {}, opts);
    if (args.config.enabled) {
      this.namespace = new k8s.core.v1.Namespace(
        `${name}-ns`,
        {
          metadata: { name: MONITORING_NAMESPACE, labels: { "app.kubernetes.io/part-of": "flink-platform" } },
        },
        { parent: this, provider: args.provider },
      );
    }
    this.registerOutputs({});
  }
}
