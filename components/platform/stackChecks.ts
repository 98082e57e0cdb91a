/** Every check beyond the schema that a stack must pass before anything is created. */
import { flinkChecks } from "../flink/checks";
import { governanceChecks } from "../governance/fit";

export const STACK_CHECKS = [...flinkChecks, ...governanceChecks];
