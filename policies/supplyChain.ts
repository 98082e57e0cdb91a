/** Where images come from and whether what runs can change without a diff. */
import { containersOf, HELM_RELEASE, isKind, PolicyResource, ResourcePolicy, valuesWalk } from "./model";

/** `repo/image:tag` or `repo/image@sha256:…`; a registry port (`host:5000/image`) is not a tag. */
export function imageProblem(image: string): string | undefined {
  if (image.includes("@sha256:")) return undefined;
  const lastSegment = image.slice(image.lastIndexOf("/") + 1);
  const colon = lastSegment.lastIndexOf(":");
  if (colon < 0) return `image "${image}" has no tag`;
  if (lastSegment.slice(colon + 1) === "latest") return `image "${image}" uses the mutable "latest" tag`;
  return undefined;
}

/** The image's full name with its registry: `flink:1.20` → `docker.io/library/flink:1.20`. */
export function canonicalImage(image: string): string {
  const first = image.split("/")[0];
  const hasRegistry =
    image.includes("/") && (first.includes(".") || first.includes(":") || first === "localhost");
  if (hasRegistry) return image;
  return image.includes("/") ? `docker.io/${image}` : `docker.io/library/${image}`;
}

/** Every image a resource names, with where: containers, a FlinkDeployment's image, chart values. */
export function imagesOf(r: PolicyResource): { where: string; image: string }[] {
  const found: { where: string; image: string }[] = containersOf(r)
    .filter(({ container }) => typeof container.image === "string")
    .map(({ label, container }) => ({ where: label, image: container.image! }));
  if (isKind(r, "FlinkDeployment") && typeof r.props.spec?.image === "string") {
    found.push({ where: "spec.image", image: r.props.spec.image });
  }
  if (r.type === HELM_RELEASE) {
    valuesWalk(r.props.values, (path, v) => {
      const img = v.image;
      if (typeof img === "string") found.push({ where: `values.${path}.image`, image: img });
      else if (img && typeof img === "object" && typeof img.repository === "string") {
        const repo = img.registry ? `${img.registry}/${img.repository}` : img.repository;
        const digest = img.digest ?? img.sha ?? img.sha256;
        const ref = digest
          ? `${repo}@${String(digest).startsWith("sha256:") ? digest : `sha256:${digest}`}`
          : `${repo}:${img.tag ?? ""}`;
        found.push({ where: `values.${path ? `${path}.` : ""}image`, image: ref });
      }
    });
  }
  return found;
}

export const imagesPinned: ResourcePolicy = {
  kind: "resource",
  name: "images-pinned",
  description: "Every image names a version tag or digest: no `latest`, no missing tag.",
  rationale:
    "A moving tag changes what runs without a diff: a node restart silently upgrades Flink or the store.",
  check(r) {
    return imagesOf(r).flatMap(({ where, image }) => {
      const problem = imageProblem(image);
      return problem ? [`${where}: ${problem}`] : [];
    });
  },
};

export const imagesAllowedRegistries: ResourcePolicy = {
  kind: "resource",
  name: "images-allowed-registries",
  settings: ["allowedRegistries"],
  description: "Every image comes from an allowed registry (the policy config's `allowedRegistries`).",
  rationale:
    "Images run with the namespace's credentials; only registries the platform team trusts (and mirrors) may supply them.",
  check(r, s) {
    return imagesOf(r).flatMap(({ where, image }) => {
      const full = canonicalImage(image);
      return s.allowedRegistries.some((prefix) => full.startsWith(prefix))
        ? []
        : [`${where}: image "${image}" is not from an allowed registry (${s.allowedRegistries.join(", ")})`];
    });
  },
};

export const imagesByDigest: ResourcePolicy = {
  kind: "resource",
  name: "images-by-digest",
  productionOnly: true,
  settings: ["digestExemptImages"],
  description:
    "Production images are pinned by digest (`name:tag@sha256:…`), except those the policy config exempts with a reason.",
  rationale:
    "A tag can be re-pushed: official images are rebuilt under the same tag. A digest is what was reviewed and tested, byte for byte.",
  check(r, s) {
    return imagesOf(r).flatMap(({ where, image }) =>
      image.includes("@sha256:") || s.digestExemptImages.includes(image)
        ? []
        : [`${where}: image "${image}" is not pinned by digest`],
    );
  },
};
