/** The node fit check: what the scheduler could not place is refused at preview, with numbers. */
import { strict as assert } from "assert";
import { problemsOf, render, stackVariant, validate, withFlinkNodeGroup } from "./harness";
import { resolveModel } from "../config/model";
import { nodeShape, packNodes, poolFits } from "../components/capacity/nodeFit";
import { PodDemand } from "../components/capacity/podDemand";

const GiB = 1024 ** 3;
const model = (edit: (c: Record<string, any>) => void = () => {}) => {
  const v = validate(stackVariant("prod", edit));
  if (!v.ok) throw new Error(JSON.stringify(v.problems));
  return resolveModel(v.stack);
};

describe("node fit", () => {
  it("refuses prod's Prometheus on m6i.large system nodes, naming both sizes", () => {
    const problems = problemsOf(
      stackVariant("prod", (c) => (c.cluster.nodeGroups.system.instanceTypes = ["m6i.large"])),
    );
    assert.deepEqual(problems, [
      "flink-platform:monitoring.prometheus: StatefulSet/prometheus (2050m cpu, 8256Mi) does not fit one system node: " +
        "a m6i.large node offers 1600m cpu and 6729Mi to pods (allocatable less DaemonSets); use a larger type in " +
        "cluster.nodeGroups.system.instanceTypes or a smaller pod",
    ]);
  });

  it("refuses more ZooKeeper members with required anti-affinity than system nodes", () => {
    const problems = problemsOf(
      stackVariant("prod", (c) => {
        c.ha = { mode: "zookeeper", zookeeper: { replicas: 5 } };
        c.cluster.nodeGroups.system = {
          ...c.cluster.nodeGroups.system,
          minSize: 3,
          desiredSize: 3,
          maxSize: 4,
        };
      }),
    );
    assert.equal(problems.length, 1, problems.join("\n"));
    assert.match(
      problems[0],
      /^flink-platform:cluster\.nodeGroups\.system\.desiredSize: the system pool needs 5 m6i\.xlarge nodes/,
    );
    assert.match(problems[0], /StatefulSet\/zookeeper\s+5\s+500m\s+1Gi/);
    // Members may share nodes outside production (preferred anti-affinity): 4 nodes suffice there.
    const fits = poolFits(
      model((c) => {
        c.environment.tier = "development";
        c.policy = { maxContainerCpu: 8, maxContainerMemory: "32Gi" };
        c.ha = { mode: "zookeeper", zookeeper: { replicas: 5 } };
        c.cluster.nodeGroups.system.desiredSize = 4;
        c.cluster.nodeGroups.system.maxSize = 4;
      }),
    );
    assert.ok(fits.find((f) => f.pool === "system")!.nodesNeeded <= 4);
  });

  it("counts TaskManagers at their autoscaler ceiling against the Flink pool's nodes (desiredSize)", () => {
    const problems = problemsOf(
      stackVariant("prod", (c) => {
        withFlinkNodeGroup(c);
        // 512 ÷ 4 slots = 128 TaskManagers of 2 cpu / 8g: far beyond 14 m6i.2xlarge nodes.
        c.namespaces[0].jobs[0].autoscaler.maxParallelism = 512;
        c.namespaces[0].quota = { cpu: 1000, memory: "4000Gi" };
        c.policy = { maxTaskManagers: 200, maxParallelism: 1024 };
      }),
    );
    const flink = problems.find((p) => p.startsWith("flink-platform:cluster.nodeGroups.flink.desiredSize"));
    assert.ok(flink, problems.join("\n"));
    assert.match(
      flink!,
      /the flink pool needs \d+ m6i\.2xlarge\/m7i\.2xlarge nodes .*autoscaler ceiling.* but has 14 \(desiredSize/,
    );
    assert.match(flink!, /FlinkDeployment\/analytics\/clickstream-enrichment:taskmanager\s+128\s+2\s+8Gi/);
  });

  it("packs first fit, largest first, keeps required anti-affinity apart, and counts DaemonSets", () => {
    const node = nodeShape({ instanceTypes: ["m6i.2xlarge"], diskSizeGiB: 50 } as any);
    // m6i.2xlarge: 7910m / 30570Mi allocatable, less 180m / 120Mi of DaemonSets.
    assert.deepEqual([node.cpu, node.memory / 1024 / 1024], [7.73, 30450]);
    const pod = (memory: number, replicas: number, distinctNodes?: string): PodDemand => ({
      owner: "x",
      pool: "flink",
      replicas,
      cpu: 1,
      memory: memory * GiB,
      path: [],
      ...(distinctNodes ? { distinctNodes } : {}),
    });
    assert.equal(packNodes([pod(14, 4)], node), 2); // two per node
    assert.equal(packNodes([pod(1, 3, "zk")], node), 3); // never two on one node
    assert.equal(packNodes([pod(20, 1), pod(10, 1), pod(10, 1)], node), 2); // 20+10, 10
  });

  it("shipped stacks fit, and report.json shows each pool's need against its maximum", async () => {
    const { report } = await render(stackVariant("prod"), "prod");
    assert.deepEqual(
      report.pools.map((p) => p.pool),
      ["system", "flink"],
    );
    for (const p of report.pools)
      assert.ok(p.nodesNeeded <= p.nodes, `${p.pool}: ${p.nodesNeeded} > ${p.nodes}`);
    const dev = await render(stackVariant("dev"), "dev");
    assert.deepEqual(dev.report.pools, [], "an existing cluster's nodes are unknown");
  });
});
