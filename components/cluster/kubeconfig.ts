import { stringify } from "yaml";

/** Kubeconfig that authenticates with `aws eks get-token` (no static credentials inside). */
export function buildKubeconfig(
  clusterName: string,
  endpoint: string,
  caData: string,
  region: string,
): string {
  return stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: clusterName, cluster: { server: endpoint, "certificate-authority-data": caData } }],
    contexts: [{ name: clusterName, context: { cluster: clusterName, user: clusterName } }],
    "current-context": clusterName,
    users: [
      {
        name: clusterName,
        user: {
          exec: {
            apiVersion: "client.authentication.k8s.io/v1beta1",
            command: "aws",
            args: ["eks", "get-token", "--cluster-name", clusterName, "--region", region, "--output", "json"],
          },
        },
      },
    ],
  });
}
