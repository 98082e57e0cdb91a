/**
 * flink-platform: load and validate the stack config, build the platform, export outputs.
 * A config mistake ends the program with every problem listed and no stack trace.
 */
import * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "./config";
import { platformProgram } from "./components/platform/program";

function run() {
  try {
    return platformProgram().platform;
  } catch (e) {
    if (e instanceof ConfigError) throw new pulumi.RunError(e.message);
    throw e;
  }
}

const platform = run();

export const kubeconfig = platform.kubeconfig;
export const clusterName = platform.clusterName;
export const stateBuckets = platform.stateBuckets;
export const stateLocations = platform.stateLocations;
export const zookeeperQuorum = platform.zookeeperQuorum;
export const grafanaAdminPassword = platform.grafanaAdminPassword;
