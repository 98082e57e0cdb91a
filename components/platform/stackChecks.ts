/** Every check beyond the schema that a stack must pass before anything is created. */
import { flinkChecks } from "../flink/checks";
import { governanceChecks } from "../governance/fit";
import { checkNodeFit } from "../capacity/nodeFit";
import { uiIngressProblems } from "../ingress/uiIngress";
import { resolveModel } from "../../config/model";
import { StackConfig } from "../../config/schema";

export const STACK_CHECKS = [
  ...flinkChecks,
  ...governanceChecks,
  (stack: StackConfig) => checkNodeFit(resolveModel(stack)),
  uiIngressProblems,
];
