// Validates what deploy/ ships: Kubernetes manifests against the Kubernetes OpenAPI schemas bundled in
// kubernetes-models; Prometheus rule files and the PrometheusRule against the rule file's structure; the
// Grafana dashboard's JSON. Every PromQL expression must parse (the Prometheus project's own grammar) and
// name only metrics that the service exposes, as written down by OperatorMetricsTest (--exposition).
// Usage: node validate.mjs [--exposition <file>] <file.yml|file.json>...
// Exits non-zero when a document is invalid or of an unknown kind.
import { readFileSync } from "node:fs";
import { isDeepStrictEqual } from "node:util";
import yaml from "js-yaml";
import { parser } from "@prometheus-io/lezer-promql";

// Kinds outside core Kubernetes (custom resources of operators) are named in the examples but not checked here.
const CUSTOM_KINDS = new Set(["Cluster", "Kafka", "KafkaNodePool"]);
const DURATION = /^([0-9]+(ms|s|m|h|d|w|y))+$/;
const SEVERITIES = new Set(["critical", "warning", "info"]);
const RULE_KEYS = new Set(["alert", "record", "expr", "for", "keep_firing_for", "labels", "annotations"]);
// Grafana's own variables stand in PromQL where a duration or a label value goes.
const GRAFANA_DURATIONS = /\$__(rate_interval|interval|range)/g;
const GRAFANA_VARIABLES = /\$\{?[A-Za-z_][A-Za-z0-9_]*\}?/g;

function modulePath(apiVersion) {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : [null, apiVersion];
  return group ? `kubernetes-models/${group}/${version}` : `kubernetes-models/${version}`;
}

const args = process.argv.slice(2);
let exposed = null;
const files = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--exposition") exposed = sampleNames(readFileSync(args[++i], "utf8"));
  else files.push(args[i]);
}

/** The names of the samples in a Prometheus text exposition (counters with _total, histograms with _bucket...). */
function sampleNames(exposition) {
  const names = new Set();
  for (const line of exposition.split("\n")) {
    const name = /^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]/.exec(line);
    if (name) names.add(name[1]);
  }
  return names;
}

/** Problems with one PromQL expression: a syntax error, or a metric the service does not expose. */
function promqlProblems(expr) {
  const tree = parser.parse(expr);
  const problems = [];
  tree.iterate({
    enter: (node) => {
      if (node.type.isError) problems.push(`does not parse near "${expr.slice(Math.max(0, node.from - 10), node.to + 10)}"`);
      if (node.name === "Identifier" && node.node.parent?.name === "VectorSelector") {
        const metric = expr.slice(node.from, node.to);
        if (exposed === null) problems.push(`metric ${metric} not checked: pass --exposition`);
        else if (!exposed.has(metric)) problems.push(`names ${metric}, which the service does not expose`);
      }
    },
  });
  return problems;
}

/** Problems with the groups of a rule file (or of a PrometheusRule's spec). */
function ruleProblems(groups) {
  const problems = [];
  if (!Array.isArray(groups) || groups.length === 0) return ["no rule groups"];
  const groupNames = new Set();
  for (const group of groups) {
    if (typeof group?.name !== "string" || groupNames.has(group.name)) problems.push(`group without a unique name: ${group?.name}`);
    groupNames.add(group?.name);
    if (!Array.isArray(group?.rules) || group.rules.length === 0) problems.push(`group ${group?.name} has no rules`);
    for (const rule of group?.rules ?? []) {
      const name = rule.alert ?? rule.record;
      const unknown = Object.keys(rule).filter((key) => !RULE_KEYS.has(key));
      if (unknown.length) problems.push(`${name}: unknown keys ${unknown.join(", ")}`);
      if ((rule.alert === undefined) === (rule.record === undefined)) problems.push(`${name}: needs exactly one of alert or record`);
      if (typeof rule.expr !== "string") problems.push(`${name}: expr is not a string`);
      else promqlProblems(rule.expr).forEach((problem) => problems.push(`${name}: expr ${problem}`));
      for (const key of ["for", "keep_firing_for"]) {
        if (rule[key] !== undefined && !DURATION.test(String(rule[key]))) problems.push(`${name}: ${key} is not a duration`);
      }
      if (rule.alert !== undefined) {
        if (!SEVERITIES.has(rule.labels?.severity)) problems.push(`${name}: severity label must be one of ${[...SEVERITIES]}`);
        if (typeof rule.annotations?.summary !== "string" || typeof rule.annotations?.description !== "string") {
          problems.push(`${name}: needs a summary and a description`);
        }
      }
      for (const map of [rule.labels, rule.annotations]) {
        if (map !== undefined && Object.values(map).some((value) => typeof value !== "string")) problems.push(`${name}: a label or annotation is not a string`);
      }
    }
  }
  return problems;
}

/** Every query of a dashboard: panel targets (rows' panels too) and query variables. */
function dashboardQueries(dashboard) {
  const queries = [];
  const visit = (panels) => {
    for (const panel of panels ?? []) {
      for (const target of panel.targets ?? []) queries.push([`panel "${panel.title}"`, target.expr]);
      visit(panel.panels);
    }
  };
  visit(dashboard.panels);
  for (const variable of dashboard.templating?.list ?? []) {
    if (variable.type !== "query") continue;
    const query = typeof variable.query === "string" ? variable.query : variable.query?.query;
    // label_values(<selector>, <label>): the selector is PromQL
    const selector = /^label_values\((.*),\s*[A-Za-z_][A-Za-z0-9_]*\)$/.exec(query ?? "");
    queries.push([`variable ${variable.name}`, selector ? selector[1] : query]);
  }
  return queries;
}

function dashboardProblems(dashboard) {
  const problems = [];
  if (typeof dashboard.title !== "string" || typeof dashboard.uid !== "string") problems.push("needs a title and a uid");
  const queries = dashboardQueries(dashboard);
  if (queries.length === 0) problems.push("has no queries");
  for (const [where, expr] of queries) {
    if (typeof expr !== "string") {
      problems.push(`${where}: no expression`);
      continue;
    }
    const promql = expr.replace(GRAFANA_DURATIONS, "5m").replace(GRAFANA_VARIABLES, "x");
    promqlProblems(promql).forEach((problem) => problems.push(`${where}: ${problem}`));
  }
  return problems;
}

let failures = 0;
let checked = 0;
const ruleGroups = [];

function report(name, problems) {
  if (problems.length === 0) {
    checked++;
    console.log(`ok    ${name}`);
  } else {
    failures++;
    problems.forEach((problem) => console.error(`FAIL  ${name}: ${problem}`));
  }
}

for (const file of files) {
  if (file.endsWith(".json")) {
    let dashboard;
    try {
      dashboard = JSON.parse(readFileSync(file, "utf8"));
    } catch (error) {
      report(`${file}: dashboard`, [`is not JSON: ${error.message}`]);
      continue;
    }
    report(`${file}: dashboard ${dashboard.title}`, dashboardProblems(dashboard));
    continue;
  }
  for (const document of yaml.loadAll(readFileSync(file, "utf8"))) {
    if (!document) continue;
    if (document.rule_files) {
      console.log(`skip  ${file}: rule unit tests (promtool test rules runs them)`);
      continue;
    }
    if (document.groups) {
      report(`${file}: rule file`, ruleProblems(document.groups));
      ruleGroups.push([file, document.groups]);
      continue;
    }
    const { apiVersion, kind } = document;
    const name = `${file}: ${kind} ${document.metadata?.name ?? "(no name)"}`;
    if (kind === "PrometheusRule") {
      const problems = apiVersion === "monitoring.coreos.com/v1" && typeof document.metadata?.name === "string"
          ? ruleProblems(document.spec?.groups) : [`apiVersion ${apiVersion} or metadata.name is not that of a PrometheusRule`];
      report(name, problems);
      ruleGroups.push([file, document.spec?.groups]);
      continue;
    }
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

// The plain rule file and the PrometheusRule ship the same rules: they must not drift apart.
for (const [file, groups] of ruleGroups.slice(1)) {
  report(`${file}: same rules as ${ruleGroups[0][0]}`, isDeepStrictEqual(groups, ruleGroups[0][1]) ? [] : ["the rule groups differ"]);
}

console.log(`${checked} passed, ${failures} failed`);
process.exit(failures === 0 && checked > 0 ? 0 : 1);
