/**
 * The program `pulumi up` runs (index.ts) and the offline renderer and tests run under
 * mocks: one code path. Throws ConfigError, listing every problem, on invalid config.
 */
import { loadPlatformModel } from "../../config";
import { PlatformModel } from "../../config/model";
import { FlinkPlatform } from "./flinkPlatform";
import { STACK_CHECKS } from "./stackChecks";

export interface PlatformProgram {
  model: PlatformModel;
  platform: FlinkPlatform;
}

export function platformProgram(): PlatformProgram {
  const model = loadPlatformModel(STACK_CHECKS);
  return { model, platform: new FlinkPlatform("flink-platform", model) };
}
