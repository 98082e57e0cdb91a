/** report.json: the computed facts a reviewer needs, from the validated model. */
import { PlatformModel } from "../../config/model";
import {
  jobManagerMemory,
  taskManagerMemory,
  JobManagerMemory,
  TaskManagerMemory,
} from "../../components/flink/memory";

export interface FlinkClusterReport {
  name: string;
  namespace: string;
  kind: "application" | "session";
  flinkVersion: string;
  parallelism: number | null;
  taskSlots: number;
  taskManagers: number;
  jobManager: JobManagerMemory;
  taskManager: Omit<TaskManagerMemory, "jvmHeapBytes" | "maxDirectBytes">;
}

export interface Report {
  stack: string;
  environment: PlatformModel["environment"];
  flinkClusters: FlinkClusterReport[];
}

export function buildReport(stack: string, model: PlatformModel): Report {
  const flinkClusters = model.namespaces
    .flatMap((ns) => ns.flinkClusters)
    .map((c): FlinkClusterReport => {
      // eslint-disable-next-line @typescript-eslint/no-unused-vars
      const { jvmHeapBytes, maxDirectBytes, ...taskManager } = taskManagerMemory(
        c.taskManager.memoryBytes,
        c.flinkConfiguration,
      );
      return {
        name: c.name,
        namespace: c.namespace,
        kind: c.kind,
        flinkVersion: c.flinkVersion,
        parallelism: c.job ? c.job.parallelism : null,
        taskSlots: c.taskSlots,
        taskManagers: c.taskManager.replicas,
        jobManager: jobManagerMemory(c.jobManager.memoryBytes, c.flinkConfiguration),
        taskManager,
      };
    })
    .sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
  return { stack, environment: model.environment, flinkClusters };
}
