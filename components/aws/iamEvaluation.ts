/**
 * IAM policy evaluation for one request, with AWS's rules for a principal and a resource in
 * the same account: an explicit Deny in any applicable policy wins; otherwise an Allow in the
 * identity policies or the resource policy allows; otherwise the request is implicitly denied.
 * Tests use it to ask whether Flink's real requests succeed, instead of reading statements.
 *
 * Supported: Action/NotAction, Resource/NotResource and Principal with `*` and `?` wildcards,
 * and the condition operators the platform's documents use (String*, Arn*, Bool, Null, with
 * IfExists and the multi-value rule: any listed value may match). A key absent from the request
 * makes a positive operator false and a negated one true, as IAM does.
 */
import { PolicyDocument } from "./iamPolicies";

export interface IamRequest {
  /** `s3:GetObject`, `kms:GenerateDataKey`... */
  action: string;
  /** The ARN acted on. */
  resource: string;
  /** The calling role's ARN (matched against resource policies' Principal). */
  principal?: string;
  /** Condition keys the request carries (`s3:prefix`, `kms:ViaService`, `aws:SecureTransport`...). */
  context?: Record<string, string>;
}

export type Decision = "allow" | "explicit-deny" | "implicit-deny";

type Statement = PolicyDocument["Statement"][number] & {
  NotAction?: string | string[];
  NotResource?: string | string[];
};

const list = (v: string | string[] | undefined): string[] =>
  v === undefined ? [] : Array.isArray(v) ? v : [v];

function wildcard(pattern: string, value: string, ignoreCase: boolean): boolean {
  const regex = new RegExp(
    "^" +
      pattern
        .split("")
        .map((ch) => (ch === "*" ? ".*" : ch === "?" ? "." : ch.replace(/[.+^${}()|[\]\\]/g, "\\$&")))
        .join("") +
      "$",
    ignoreCase ? "i" : "",
  );
  return regex.test(value);
}

function actionMatches(st: Statement, action: string): boolean {
  if (st.NotAction !== undefined) return !list(st.NotAction).some((a) => wildcard(a, action, true));
  return list(st.Action).some((a) => wildcard(a, action, true));
}

function resourceMatches(st: Statement, resource: string): boolean {
  if (st.NotResource !== undefined) return !list(st.NotResource).some((r) => wildcard(r, resource, false));
  if (st.Resource === undefined) return true; // trust policies and key policies written without one
  return list(st.Resource).some((r) => wildcard(r, resource, false));
}

function principalMatches(st: Statement, principal: string | undefined): boolean {
  if (st.Principal === undefined) return true;
  if (st.Principal === "*") return true;
  // AWS principals (roles, accounts), Federated ones (OIDC providers in trust policies) and
  // services (CloudWatch Logs in a key policy).
  const p = st.Principal as Record<string, string | string[]>;
  const named = [...list(p.AWS), ...list(p.Federated), ...list(p.Service)];
  return named.includes("*") || (principal !== undefined && named.includes(principal));
}

function operatorMatches(
  operator: string,
  key: string,
  expected: string[],
  context: Record<string, string>,
): boolean {
  // Multi-valued keys (kms:ResourceAliases, aws:TagKeys...) carry one value here: ForAnyValue and
  // ForAllValues reduce to the plain operator, except that ForAllValues holds for an absent key.
  const forAll = operator.startsWith("ForAllValues:");
  const plain = operator.replace(/^For(Any|All)Values?:/, "");
  const ifExists = plain.endsWith("IfExists");
  const op = ifExists ? plain.slice(0, -"IfExists".length) : plain;
  const actual = context[key];
  if (forAll && actual === undefined) return true;
  if (op === "Null") return expected.some((e) => (e === "true") === (actual === undefined));
  const negated = /Not/.test(op);
  if (actual === undefined) return ifExists || negated;
  const test = (e: string): boolean => {
    switch (op.replace("Not", "")) {
      case "StringEquals":
      case "ArnEquals":
        return actual === e;
      case "StringEqualsIgnoreCase":
        return actual.toLowerCase() === e.toLowerCase();
      case "StringLike":
      case "ArnLike":
        return wildcard(e, actual, false);
      case "Bool":
        return actual.toLowerCase() === e.toLowerCase();
      default:
        throw new Error(`condition operator ${operator} is not supported by this evaluator`);
    }
  };
  const any = expected.some(test);
  return negated ? !any : any;
}

function conditionsMatch(st: Statement, context: Record<string, string>): boolean {
  return Object.entries(st.Condition ?? {}).every(([operator, keys]) =>
    Object.entries(keys).every(([key, values]) => operatorMatches(operator, key, list(values), context)),
  );
}

function applicable(doc: PolicyDocument, req: IamRequest, resourcePolicy: boolean): Statement[] {
  // IAM refuses any other Version (MalformedPolicyDocument); policy variables need 2012-10-17.
  if (doc.Version !== "2012-10-17")
    throw new Error(`policy Version must be "2012-10-17", got ${JSON.stringify(doc.Version)}`);
  return (doc.Statement as Statement[]).filter(
    (st) =>
      actionMatches(st, req.action) &&
      resourceMatches(st, req.resource) &&
      (!resourcePolicy || principalMatches(st, req.principal)) &&
      conditionsMatch(st, req.context ?? {}),
  );
}

/** The decision for `req` under the caller's identity policies and the resource's policy. */
export function evaluate(
  identityPolicies: readonly PolicyDocument[],
  resourcePolicies: readonly PolicyDocument[],
  req: IamRequest,
): Decision {
  const statements = [
    ...identityPolicies.flatMap((d) => applicable(d, req, false)),
    ...resourcePolicies.flatMap((d) => applicable(d, req, true)),
  ];
  if (statements.some((s) => s.Effect === "Deny")) return "explicit-deny";
  return statements.some((s) => s.Effect === "Allow") ? "allow" : "implicit-deny";
}

/**
 * What S3 answers a HEAD (or GET) of a key that does not exist: 404 when the caller may list the
 * bucket (a ListBucket request without `s3:prefix`), 403 otherwise (S3 API reference, HeadObject).
 */
export function missingKeyStatus(
  identityPolicies: readonly PolicyDocument[],
  bucketPolicies: readonly PolicyDocument[],
  bucket: string,
  context: Record<string, string> = { "aws:SecureTransport": "true" },
): 404 | 403 {
  const list = evaluate(identityPolicies, bucketPolicies, {
    action: "s3:ListBucket",
    resource: `arn:aws:s3:::${bucket}`,
    context,
  });
  return list === "allow" ? 404 : 403;
}
