/**
 * Alert routing, judged as Alertmanager routes an alert (prometheus/alertmanager v0.28
 * dispatch/route.go): the root takes every alert; an alert descends into the first child route
 * whose matchers all match, and into later siblings too while the matched child says
 * `continue: true`; a route none of whose children matched delivers to its own receiver.
 */
import { NO_ALERT_RECEIVER_ANNOTATION } from "./annotations";
import { HELM_RELEASE, isKind, PolicyResource, StackPolicy, ValuesObject } from "./model";

export interface Route {
  receiver?: string;
  matchers?: string[];
  continue?: boolean;
  routes?: Route[];
}

/** `name="v"`, `name!="v"`, `name=~"re"`, `name!~"re"` (regexes anchored, as Alertmanager's are). */
export function matcherMatches(matcher: string, labels: Record<string, string>): boolean {
  const m = /^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"\s*$/.exec(matcher);
  if (!m) return false;
  const [, name, op, raw] = m;
  const value = labels[name] ?? "";
  const text = raw.replace(/\\(.)/g, "$1");
  switch (op) {
    case "=":
      return value === text;
    case "!=":
      return value !== text;
    case "=~":
      return new RegExp(`^(?:${text})$`).test(value);
    default:
      return !new RegExp(`^(?:${text})$`).test(value);
  }
}

/** The receivers an alert with these labels is delivered to. */
export function routeAlert(route: Route, labels: Record<string, string>, inherited = "null"): string[] {
  const receiver = route.receiver ?? inherited;
  const found: string[] = [];
  for (const child of route.routes ?? []) {
    if (!(child.matchers ?? []).every((m) => matcherMatches(m, labels))) continue;
    found.push(...routeAlert(child, labels, receiver));
    if (!child.continue) break;
  }
  return found.length ? found : [receiver];
}

/** A receiver that notifies someone: any integration (`*_configs`) with at least one entry. */
function notifies(receiver: ValuesObject | undefined): boolean {
  return Object.entries(receiver ?? {}).some(
    ([key, value]) => key.endsWith("_configs") && Array.isArray(value) && value.length > 0,
  );
}

/** A critical alert of a Flink job, as the platform's rules label it. */
const CRITICAL_ALERT = {
  alertname: "FlinkJobNotRunning",
  severity: "critical",
  namespace: "payments",
  flink_deployment: "fraud-detection",
  job_name: "fraud",
};

export const productionAlertReceiver: StackPolicy = {
  kind: "stack",
  name: "production-alert-receiver",
  productionOnly: true,
  description: `Production critical alerts reach a receiver that notifies someone (Slack, PagerDuty, e-mail, webhook), unless the monitoring namespace says why not in the \`${NO_ALERT_RECEIVER_ANNOTATION}\` annotation.`,
  rationale:
    "An alert routed to a null receiver is a page nobody gets: the job stops, checkpoints fail, and the first to notice is a downstream team.",
  check(resources) {
    const problems: { resource: string; message: string }[] = [];
    for (const r of resources.filter(
      (x) => x.type === HELM_RELEASE && x.props.chart === "kube-prometheus-stack",
    )) {
      const alertmanager = r.props.values?.alertmanager ?? {};
      const config = alertmanager.config;
      if (config === undefined) continue; // unknown at preview
      const reached =
        alertmanager.enabled !== false && config.route
          ? routeAlert(config.route, CRITICAL_ALERT).filter((name) =>
              notifies((config.receivers ?? []).find((x: ValuesObject) => x.name === name)),
            )
          : [];
      if (reached.length > 0) continue;
      const ns = namespaceOf(resources, r.props.namespace);
      if (ns?.props.metadata?.annotations?.[NO_ALERT_RECEIVER_ANNOTATION]) continue;
      problems.push({
        resource: `${r.type}::${r.name}`,
        message: `critical alerts reach no receiver that notifies anyone; add one, or annotate namespace "${r.props.namespace}" with ${NO_ALERT_RECEIVER_ANNOTATION} saying why`,
      });
    }
    return problems;
  },
};

function namespaceOf(resources: PolicyResource[], name: unknown): PolicyResource | undefined {
  return resources.find((r) => isKind(r, "Namespace") && r.props.metadata?.name === name);
}
