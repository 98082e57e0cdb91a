/**
 * Log shipping as its consumers see it: the configuration the aws-for-fluent-bit chart mounts
 * (chart model, test/charts/fluentBitChart.ts) run over Flink's real console output, the log
 * groups CloudWatch Logs gets, and IAM over the agent's requests.
 */
import { strict as assert } from "assert";
import { manifest, ofType, one, policyDoc, render, stackVariant, validate } from "./harness";
import { renderFluentBitChart } from "./charts/fluentBitChart";
import { stackPods } from "./charts/pods";
import { evaluate } from "../components/aws/iamEvaluation";
import { PolicyDocument } from "../components/aws/iamPolicies";

const HELM = "kubernetes:helm.sh/v3:Release";

/** `rule "<state>" "/<regex>/" "<next>"` lines of a [MULTILINE_PARSER] section. */
function multilineRules(parsers: string): [string, RegExp, string][] {
  return [...parsers.matchAll(/rule\s+"([^"]+)"\s+"\/(.*)\/"\s+"([^"]+)"/g)].map((m) => [
    m[1],
    new RegExp(m[2]),
    m[3],
  ]);
}

/**
 * Fluent Bit's regex multiline state machine: a line matching `start_state` opens a record, a
 * line matching a rule of the current state's next state continues it, anything else is a
 * record of its own.
 */
function joinLines(lines: string[], rules: [string, RegExp, string][]): string[] {
  const records: string[] = [];
  let state: string | undefined;
  for (const line of lines) {
    const cont = state && rules.find(([s, re]) => s === state && re.test(line));
    if (cont) {
      records[records.length - 1] += `\n${line}`;
      state = cont[2];
      continue;
    }
    const start = rules.find(([s, re]) => s === "start_state" && re.test(line));
    records.push(line);
    state = start ? start[2] : undefined;
  }
  return records;
}

// Flink's console output with an exception (the operator's default log4j-console.properties).
const FLINK_OUTPUT = [
  "2026-05-01 10:00:00,123 INFO  org.apache.flink.runtime.checkpoint.CheckpointCoordinator    [] - Completed checkpoint 41 for job 8c1d (12345 bytes, checkpointDuration=210 ms).",
  "2026-05-01 10:00:01,456 ERROR org.apache.flink.runtime.taskmanager.Task                    [] - enrich (1/4)#0 switched from RUNNING to FAILED with failure cause:",
  "java.lang.RuntimeException: lookup failed",
  "\tat com.acme.Enrich.map(Enrich.java:42)",
  "\tat org.apache.flink.streaming.runtime.tasks.StreamTask.invoke(StreamTask.java:970)",
  "Caused by: java.net.SocketTimeoutException: Read timed out",
  "\t... 12 more",
  "2026-05-01 10:00:02,000 WARN  org.apache.flink.runtime.jobmaster.JobMaster                  [] - Job restarting.",
];

async function fluentBit(stack: "dev" | "prod", edit?: (c: Record<string, any>) => void) {
  const { resources } = await render(stackVariant(stack, edit), stack);
  const release = one(resources, HELM, "-fluent-bit").inputs as any;
  return { resources, release, chart: renderFluentBitChart(release.values, release.namespace) };
}

describe("log shipping", () => {
  it("keeps a Java stack trace in one record and splits Flink's lines into level, logger and message", async () => {
    const { chart } = await fluentBit("prod");
    const conf = chart.files["fluent-bit.conf"];
    assert.match(conf, /Parsers_File \/fluent-bit\/etc\/parser_extra\.conf/);
    const parsers = chart.files["parser_extra.conf"];
    const records = joinLines(FLINK_OUTPUT, multilineRules(parsers));
    assert.equal(records.length, 3);
    assert.match(records[1], /^2026-05-01 10:00:01,456 ERROR[\s\S]*Caused by[\s\S]*12 more$/);
    const regex = new RegExp(/Regex\s+(.*)/.exec(parsers)![1]);
    const parsed = records.map((r) => regex.exec(r)?.groups);
    assert.deepEqual(
      parsed.map((g) => [g?.level, g?.logger]),
      [
        ["INFO", "org.apache.flink.runtime.checkpoint.CheckpointCoordinator"],
        ["ERROR", "org.apache.flink.runtime.taskmanager.Task"],
        ["WARN", "org.apache.flink.runtime.jobmaster.JobMaster"],
      ],
    );
    assert.match(parsed[1]!.message, /^enrich \(1\/4\)#0 switched[\s\S]*SocketTimeoutException/);
    // The multiline filter is first (it re-emits to the head of the pipeline), then metadata, then the parser.
    const filters = [...conf.matchAll(/\[FILTER\]\s+Name\s+(\S+)/g)].map((m) => m[1]);
    assert.deepEqual(filters, ["multiline", "kubernetes", "parser"]);
    assert.doesNotMatch(
      conf,
      /Name kubernetes\n\s+Match kube\.\*\n\[/,
      "the chart's own kubernetes filter is off",
    );
  });

  it("prod: ships to a KMS-encrypted CloudWatch log group per namespace, with the configured retention, and never creates groups", async () => {
    const { resources, chart } = await fluentBit("prod");
    const groups = ofType(resources, "aws:cloudwatch/logGroup:LogGroup").map((g) => g.inputs as any);
    const names = groups.map((g) => g.name).sort();
    for (const ns of ["analytics", "payments", "flink-operator", "monitoring", "logging"]) {
      assert.ok(names.includes(`/flink-platform/prod/${ns}`), ns);
    }
    for (const g of groups) {
      assert.equal(g.retentionInDays, 90);
      assert.match(g.kmsKeyId, /^arn:aws:kms:/);
    }
    const conf = chart.files["fluent-bit.conf"];
    assert.match(conf, /log_group_template\s+\/flink-platform\/prod\/\$kubernetes\['namespace_name'\]/);
    assert.doesNotMatch(conf, /auto_create_group/);
    // Only namespaces with a group are tailed.
    const paths = /Path\s+(\S+)/.exec(conf)![1].split(",");
    assert.deepEqual(
      paths.map((p) => /\*_(.+)_\*\.log$/.exec(p)![1]).map((ns) => `/flink-platform/prod/${ns}`),
      names,
    );
    // The key lets CloudWatch Logs use it for these groups only.
    const key = ofType(resources, "aws:kms/key:Key").find((k) =>
      String(k.inputs.description).includes("logs"),
    );
    const keyPolicy = JSON.parse(String(key!.inputs.policy)) as PolicyDocument;
    const logsUse = (group: string) =>
      evaluate([], [keyPolicy], {
        action: "kms:GenerateDataKey",
        resource: "*",
        principal: "logs.eu-west-1.amazonaws.com",
        context: {
          "kms:EncryptionContext:aws:logs:arn": `arn:aws:logs:eu-west-1:123456789012:log-group:${group}`,
        },
      });
    assert.equal(logsUse("/flink-platform/prod/payments"), "allow");
    assert.equal(logsUse("/other/app"), "implicit-deny");
  });

  it("prod: Fluent Bit's role puts events into the platform's groups and nothing else", async () => {
    const { resources, chart } = await fluentBit("prod");
    const role = ofType(resources, "aws:iam/role:Role").find((r) =>
      String(r.inputs.name).includes("log-shipping"),
    )!;
    const trust = JSON.parse(String(role.inputs.assumeRolePolicy));
    assert.deepEqual(
      Object.values(trust.Statement[0].Condition.StringEquals)[0],
      "system:serviceaccount:logging:fluent-bit",
    );
    assert.equal(chart.serviceAccount.name, "fluent-bit");
    assert.ok(chart.serviceAccount.annotations["eks.amazonaws.com/role-arn"].endsWith("log-shipping"));
    const policy = policyDoc(
      one(resources, "aws:iam/rolePolicy:RolePolicy", "-logging-role"),
    ) as PolicyDocument;
    const group = (name: string) => `arn:aws:logs:eu-west-1:123456789012:log-group:${name}`;
    const can = (action: string, resource: string) => evaluate([policy], [], { action, resource });
    assert.equal(
      can(
        "logs:PutLogEvents",
        `${group("/flink-platform/prod/payments")}:log-stream:tm-1.flink-main-container`,
      ),
      "allow",
    );
    assert.equal(can("logs:CreateLogStream", group("/flink-platform/prod/payments")), "allow");
    assert.equal(
      can("logs:PutLogEvents", `${group("/flink-platform/staging/payments")}:log-stream:x`),
      "implicit-deny",
    );
    assert.equal(can("logs:CreateLogGroup", group("/flink-platform/prod/new")), "implicit-deny");
    assert.equal(can("logs:DeleteLogGroup", group("/flink-platform/prod/payments")), "implicit-deny");
    // A saved Logs Insights query counts errors and exceptions per job over every group.
    const query = one(resources, "aws:cloudwatch/queryDefinition:QueryDefinition", "-errors-per-job")
      .inputs as any;
    assert.equal(query.logGroupNames.length, ofType(resources, "aws:cloudwatch/logGroup:LogGroup").length);
    assert.match(query.queryString, /stats count\(\*\) as errors by namespace, deployment/);
  });

  it("dev: ships nothing by default; a Loki endpoint is used over TLS, with egress only to it", async () => {
    const { resources } = await render(stackVariant("dev"), "dev");
    assert.equal(ofType(resources, HELM).filter((r) => r.name.includes("fluent-bit")).length, 0);
    const {
      release,
      chart,
      resources: withLoki,
    } = await fluentBit("dev", (c) => {
      c.logging = { destination: "loki", endpoint: { host: "loki.example.com", cidrs: ["10.9.0.0/16"] } };
    });
    assert.equal(release.values.cloudWatchLogs.enabled, false);
    assert.match(
      chart.files["fluent-bit.conf"],
      /Name\s+loki[\s\S]*Host\s+loki\.example\.com[\s\S]*tls\s+On/,
    );
    const policy = manifest(withLoki, "NetworkPolicy", "fluent-bit", "logging");
    assert.deepEqual(policy.spec.egress[2], {
      to: [{ ipBlock: { cidr: "10.9.0.0/16" } }],
      ports: [{ port: 443, protocol: "TCP" }],
    });
  });

  it("refuses CloudWatch off EKS, an endpoint without a destination, and production without shipping", () => {
    const problems = (stack: "dev" | "prod", edit: (c: Record<string, any>) => void) => {
      const v = validate(stackVariant(stack, edit));
      return v.ok ? [] : v.problems.map((p) => `${p.path}: ${p.message}`);
    };
    assert.match(
      problems("dev", (c) => (c.logging = { destination: "cloudwatch" }))[0],
      /^logging\.destination: CloudWatch Logs needs an EKS cluster/,
    );
    assert.match(
      problems("dev", (c) => (c.logging = { destination: "loki" }))[0],
      /^logging\.endpoint: "loki" needs logging\.endpoint/,
    );
    assert.match(
      problems("prod", (c) => (c.logging = { destination: "none" }))[0],
      /^logging\.destination: production ships container logs/,
    );
    assert.deepEqual(
      problems(
        "prod",
        (c) => (c.logging = { destination: "none", disabledReason: "shipped by the account's own agent" }),
      ),
      [],
    );
  });
});

describe("node agents", () => {
  it("node-exporter and Fluent Bit tolerate the Flink pool's taint, so they run on every node", async () => {
    const { resources } = await render(stackVariant("prod"), "prod");
    // Kubernetes' toleration matching (k8s.io/api core/v1 toleration.go ToleratesTaint).
    const tolerates = (t: any, taint: { key: string; value: string; effect: string }) =>
      (!t.effect || t.effect === taint.effect) &&
      (t.operator === "Exists"
        ? !t.key || t.key === taint.key
        : t.key === taint.key && t.value === taint.value);
    const taint = { key: "flink-platform/pool", value: "flink", effect: "NoSchedule" };
    const owners = stackPods(resources).filter((p) => /node-exporter|fluent-bit/.test(p.owner));
    assert.deepEqual(owners.map((p) => p.owner).sort(), ["DaemonSet/fluent-bit", "DaemonSet/node-exporter"]);
    for (const pod of owners) {
      assert.ok(
        (pod.spec.tolerations ?? []).some((t: any) => tolerates(t, taint)),
        pod.owner,
      );
      assert.ok(!pod.spec.nodeSelector?.["flink-platform/pool"], `${pod.owner} is not pinned to a pool`);
    }
  });
});
