/**
 * The policy pack's helpers judged as their consumers judge: label matchers as Alertmanager
 * matches them (`=`, `!=`, `=~`, `!~`, regexes anchored, a missing label is ""), and image
 * references as the container runtime resolves them (no registry means docker.io, a bare name
 * means library/).
 */
import { strict as assert } from "assert";
import { matcherMatches, routeAlert } from "../policies/alerting";
import { canonicalImage, imageProblem, imagesOf } from "../policies/supplyChain";
import { chartRelease } from "./policyResources";

describe("policy helpers", () => {
  describe("Alertmanager label matchers", () => {
    const labels = { severity: "critical", namespace: "payments", job: 'a"b' };

    it("matches each operator as Alertmanager does", () => {
      const cases: [string, boolean][] = [
        ['severity="critical"', true],
        ['severity="warning"', false],
        ['severity!="warning"', true],
        ['severity!="critical"', false],
        ['namespace=~"pay.*"', true],
        ['namespace=~"pay"', false], // anchored: a prefix is not a match
        ['namespace!~"pay"', true],
        ['namespace!~"pay.*"', false],
        ['namespace=~"team|payments"', true],
        ['team=""', true], // a missing label is the empty string
        ['team!=""', false],
        ['job="a\\"b"', true], // an escaped quote is a quote
        ['  severity = "critical"  ', true],
        ['\tseverity\t=\t"critical"\t', true],
      ];
      for (const [matcher, want] of cases) assert.equal(matcherMatches(matcher, labels), want, matcher);
    });

    it("matches nothing with a matcher Alertmanager would not parse", () => {
      for (const bad of [
        "severity=critical",
        'x severity="critical"',
        'severity="critical" x',
        '1severity="critical"',
        'severity=="critical"',
        'severity S="critical"',
        'severity="critical"S',
      ])
        assert.equal(matcherMatches(bad, labels), false, bad);
    });

    it("routes into the first matching child, on through `continue`, else to the parent", () => {
      const route = {
        receiver: "root",
        routes: [
          { receiver: "pager", matchers: ['severity="critical"'], continue: true },
          { receiver: "team", matchers: ['namespace="payments"'] },
          { receiver: "never", matchers: ['namespace="payments"'] },
        ],
      };
      assert.deepEqual(routeAlert(route, labels), ["pager", "team"]);
      assert.deepEqual(routeAlert(route, { severity: "warning", namespace: "payments" }), ["team"]);
      assert.deepEqual(routeAlert(route, { severity: "warning" }), ["root"]);
      assert.deepEqual(routeAlert({ routes: [{ matchers: ['a="b"'] }] }, { a: "b" }), ["null"]);
    });
  });

  describe("image references", () => {
    it("wants a tag or a digest; a registry port is not a tag", () => {
      assert.equal(imageProblem("flink:1.20.3"), undefined);
      assert.equal(imageProblem("flink@sha256:abc"), undefined);
      assert.equal(imageProblem("registry:5000/team/flink:2.0"), undefined);
      assert.equal(imageProblem("registry:5000/flink"), 'image "registry:5000/flink" has no tag');
      assert.equal(imageProblem("team/flink"), 'image "team/flink" has no tag');
      assert.equal(imageProblem("flink:latest"), 'image "flink:latest" uses the mutable "latest" tag');
      assert.equal(
        imageProblem("registry:5000/flink:latest"),
        'image "registry:5000/flink:latest" uses the mutable "latest" tag',
      );
    });

    it("names the registry the runtime would pull from", () => {
      assert.equal(canonicalImage("flink:1.20"), "docker.io/library/flink:1.20");
      assert.equal(canonicalImage("apache/flink:1.20"), "docker.io/apache/flink:1.20");
      assert.equal(canonicalImage("ghcr.io/apache/flink:1.20"), "ghcr.io/apache/flink:1.20");
      assert.equal(canonicalImage("registry:5000/flink:1.20"), "registry:5000/flink:1.20");
      assert.equal(canonicalImage("localhost/flink:1.20"), "localhost/flink:1.20");
      assert.equal(canonicalImage("quay.io:443/flink"), "quay.io:443/flink");
    });

    it("finds images in chart values however the chart spells them", () => {
      const release = chartRelease({
        image: { registry: "ghcr.io", repository: "org/app", tag: "1.0" },
        sidecar: { image: { repository: "org/side", digest: "abc" } },
        init: { image: { repository: "org/init", sha256: "sha256:def" } },
        bare: { image: { repository: "org/bare" } },
        plain: { image: "org/plain:2" },
      });
      assert.deepEqual(
        imagesOf(release)
          .map((i) => `${i.where} ${i.image}`)
          .sort(),
        [
          "values.bare.image org/bare:",
          "values.image ghcr.io/org/app:1.0",
          "values.init.image org/init@sha256:def",
          "values.plain.image org/plain:2",
          "values.sidecar.image org/side@sha256:abc",
        ],
      );
    });
  });
});
