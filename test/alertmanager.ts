/**
 * Alertmanager's inhibition as v0.28 evaluates it (inhibit/inhibit.go): a firing source alert
 * that matches a rule's source matchers mutes a target matching its target matchers when every
 * `equal` label has the same value on both, where a label absent on both counts as equal (the
 * empty value), and an alert never mutes itself. Routing is the policy pack's (policies/alerting.ts).
 */
import { matcherMatches } from "../policies/alerting";

export type Labels = Record<string, string>;

export interface InhibitRule {
  source_matchers: string[];
  target_matchers: string[];
  equal?: string[];
}

export function inhibited(rules: InhibitRule[], target: Labels, firing: Labels[]): boolean {
  const all = (matchers: string[], labels: Labels) => matchers.every((m) => matcherMatches(m, labels));
  return rules.some(
    (rule) =>
      all(rule.target_matchers, target) &&
      firing.some(
        (source) =>
          source !== target &&
          all(rule.source_matchers, source) &&
          (rule.equal ?? []).every((l) => (source[l] ?? "") === (target[l] ?? "")),
      ),
  );
}
