// Validates Kubernetes manifests against the Kubernetes OpenAPI schemas bundled in kubernetes-models.
// Usage: node validate.mjs <file.yml>...   Exits non-zero when a document is invalid or of an unknown kind.
import { readFileSync } from "node:fs";
import yaml from "js-yaml";

// Kinds outside core Kubernetes (custom resources of operators) are named in the examples but not checked here.
const CUSTOM_KINDS = new Set(["Cluster", "Kafka", "KafkaNodePool"]);

function modulePath(apiVersion) {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : [null, apiVersion];
  return group ? `kubernetes-models/${group}/${version}` : `kubernetes-models/${version}`;
}

let failures = 0;
let checked = 0;
for (const file of process.argv.slice(2)) {
  for (const document of yaml.loadAll(readFileSync(file, "utf8"))) {
    if (!document) continue;
    const { apiVersion, kind } = document;
    const name = `${file}: ${kind} ${document.metadata?.name ?? "(no name)"}`;
    if (CUSTOM_KINDS.has(kind)) {
      console.log(`skip  ${name} (custom resource ${apiVersion})`);
      continue;
    }
    try {
      const models = await import(modulePath(apiVersion));
      const Model = models[kind];
      if (!Model) throw new Error(`unknown kind ${kind} in ${apiVersion}`);
      new Model(document).validate();
      checked++;
      console.log(`ok    ${name}`);
    } catch (error) {
      failures++;
      console.error(`FAIL  ${name}: ${error.message}`);
    }
  }
}
console.log(`${checked} passed, ${failures} failed`);
process.exit(failures === 0 && checked > 0 ? 0 : 1);
