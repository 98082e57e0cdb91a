/** Resources the policy tests build again and again, in the shape the pack reads them. */
import { HELM_RELEASE, PolicyResource } from "../policies/model";

/** A Helm release of some chart with these values. */
export const chartRelease = (values: object, name = "r"): PolicyResource => ({
  type: HELM_RELEASE,
  name,
  props: { chart: "c", values },
});
