"""contrib/kubernetes, offline: no cluster, no network, no container engine.

  k8scheck.py q FILE KIND PATH
      a value of the first document of KIND (PATH: keys and list indices
      joined by /), a string as it is, anything else as JSON
  k8scheck.py argv FILE KIND CONTAINER VAR=VAL...
      the container's command and args, NUL-separated, after Kubernetes'
      $(VAR) expansion with the container's env (values from VAR=VAL)
  k8scheck.py check DIR [MIGRATORE]
      every check below on DIR/*.yaml, DIR/Dockerfile and DIR/README.md,
      one line per check: "ok<TAB>name", "not ok<TAB>name<TAB>why" or
      "skip<TAB>name<TAB>why"; tests/integration/contrib.sh turns them into
      TAP. MIGRATORE, the built binary, is for the image's libraries.

The schema is the Kubernetes API (batch/v1 and core/v1, 1.29 and later)
for the objects the manifests use, closed: a field it does not know is an
error, so that a misspelt field (which kubectl apply would reject, or worse
ignore) fails here. A field that is legal but not modelled below must be
added to it. Sub-objects the manifests do not use are ANY.
"""
import json
import os
import re
import shutil
import subprocess
import sys

import yaml

# ---- the schema --------------------------------------------------------------

ANY, STR, INT, BOOL, QTY = "any", "str", "int", "bool", "quantity"


def obj(required=(), **fields):
    return ("obj", fields, frozenset(required))


def lst(item):
    return ("list", item)


def mapping(value):
    return ("map", value)


def enum(*values):
    return ("enum", values)


META = obj(name=STR, namespace=STR, generateName=STR, labels=mapping(STR),
           annotations=mapping(STR), finalizers=lst(STR), ownerReferences=ANY)
SECCOMP = obj(("type",), type=enum("RuntimeDefault", "Unconfined", "Localhost"),
              localhostProfile=STR)
POD_SECURITY = obj(
    fsGroup=INT, fsGroupChangePolicy=enum("OnRootMismatch", "Always"),
    runAsGroup=INT, runAsNonRoot=BOOL, runAsUser=INT, seccompProfile=SECCOMP,
    supplementalGroups=lst(INT), supplementalGroupsPolicy=STR,
    seLinuxOptions=ANY, seLinuxChangePolicy=STR, sysctls=ANY,
    appArmorProfile=ANY, windowsOptions=ANY)
SECURITY = obj(
    allowPrivilegeEscalation=BOOL, privileged=BOOL, readOnlyRootFilesystem=BOOL,
    capabilities=obj(add=lst(STR), drop=lst(STR)), runAsGroup=INT,
    runAsNonRoot=BOOL, runAsUser=INT, seccompProfile=SECCOMP, procMount=STR,
    seLinuxOptions=ANY, appArmorProfile=ANY, windowsOptions=ANY)
ENV = obj(("name",), name=STR, value=STR, valueFrom=obj(
    configMapKeyRef=obj(("key",), name=STR, key=STR, optional=BOOL),
    secretKeyRef=obj(("key",), name=STR, key=STR, optional=BOOL),
    fieldRef=obj(("fieldPath",), apiVersion=STR, fieldPath=STR),
    resourceFieldRef=ANY))
MOUNT = obj(("name", "mountPath"), name=STR, mountPath=STR, readOnly=BOOL,
            subPath=STR, subPathExpr=STR, mountPropagation=STR,
            recursiveReadOnly=STR)
RESOURCES = obj(limits=mapping(QTY), requests=mapping(QTY), claims=ANY)
CONTAINER = obj(
    ("name",), name=STR, image=STR,
    imagePullPolicy=enum("Always", "IfNotPresent", "Never"),
    command=lst(STR), args=lst(STR), env=lst(ENV), envFrom=ANY,
    resources=RESOURCES, securityContext=SECURITY, volumeMounts=lst(MOUNT),
    workingDir=STR, ports=ANY, lifecycle=ANY, livenessProbe=ANY,
    readinessProbe=ANY, startupProbe=ANY, resizePolicy=ANY, restartPolicy=STR,
    stdin=BOOL, stdinOnce=BOOL, tty=BOOL, terminationMessagePath=STR,
    terminationMessagePolicy=enum("File", "FallbackToLogsOnError"),
    volumeDevices=ANY)
VOLUME_SOURCES = ("configMap", "secret", "persistentVolumeClaim", "emptyDir",
                  "projected", "downwardAPI", "hostPath", "nfs", "csi",
                  "ephemeral", "image")
VOLUME = obj(("name",), name=STR,
             configMap=obj(name=STR, items=ANY, defaultMode=INT, optional=BOOL),
             secret=obj(secretName=STR, items=ANY, defaultMode=INT, optional=BOOL),
             persistentVolumeClaim=obj(("claimName",), claimName=STR, readOnly=BOOL),
             emptyDir=obj(medium=STR, sizeLimit=QTY),
             **{k: ANY for k in VOLUME_SOURCES[4:]})
POD = obj(
    ("containers",), containers=lst(CONTAINER), initContainers=lst(CONTAINER),
    volumes=lst(VOLUME), securityContext=POD_SECURITY,
    restartPolicy=enum("Always", "OnFailure", "Never"),
    terminationGracePeriodSeconds=INT, activeDeadlineSeconds=INT,
    automountServiceAccountToken=BOOL, serviceAccountName=STR,
    serviceAccount=STR, nodeSelector=mapping(STR), priorityClassName=STR,
    **{k: ANY for k in (
        "affinity", "tolerations", "topologySpreadConstraints", "dnsConfig",
        "dnsPolicy", "enableServiceLinks", "ephemeralContainers",
        "hostAliases", "hostIPC", "hostNetwork", "hostPID", "hostUsers",
        "hostname", "imagePullSecrets", "nodeName", "os", "overhead",
        "preemptionPolicy", "priority", "readinessGates", "resourceClaims",
        "runtimeClassName", "schedulerName", "schedulingGates",
        "setHostnameAsFQDN", "shareProcessNamespace", "subdomain")})
TEMPLATE = obj(metadata=META, spec=POD)
FAILURE_RULE = obj(
    ("action",), action=enum("FailJob", "FailIndex", "Ignore", "Count"),
    onExitCodes=obj(("operator", "values"), containerName=STR,
                    operator=enum("In", "NotIn"), values=lst(INT)),
    onPodConditions=lst(obj(("type",), type=STR,
                            status=enum("True", "False", "Unknown"))))
JOB_SPEC = obj(
    ("template",), template=TEMPLATE, activeDeadlineSeconds=INT,
    backoffLimit=INT, backoffLimitPerIndex=INT, maxFailedIndexes=INT,
    completionMode=enum("NonIndexed", "Indexed"), completions=INT,
    parallelism=INT, podFailurePolicy=obj(("rules",), rules=lst(FAILURE_RULE)),
    podReplacementPolicy=enum("TerminatingOrFailed", "Failed"),
    ttlSecondsAfterFinished=INT, suspend=BOOL, manualSelector=BOOL,
    selector=ANY, successPolicy=ANY, managedBy=STR)
CRON_SPEC = obj(
    ("schedule", "jobTemplate"), schedule=STR, timeZone=STR,
    concurrencyPolicy=enum("Allow", "Forbid", "Replace"),
    startingDeadlineSeconds=INT, suspend=BOOL,
    successfulJobsHistoryLimit=INT, failedJobsHistoryLimit=INT,
    jobTemplate=obj(("spec",), metadata=META, spec=JOB_SPEC))
PVC_SPEC = obj(
    ("accessModes",),
    accessModes=lst(enum("ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany",
                         "ReadWriteOncePod")),
    resources=obj(requests=mapping(QTY), limits=mapping(QTY)),
    storageClassName=STR, volumeMode=enum("Filesystem", "Block"),
    volumeName=STR, selector=ANY, dataSource=ANY, dataSourceRef=ANY,
    volumeAttributesClassName=STR)
KINDS = {
    ("v1", "ConfigMap"): obj(("apiVersion", "kind", "metadata"),
                             apiVersion=STR, kind=STR, metadata=META,
                             data=mapping(STR), binaryData=mapping(STR),
                             immutable=BOOL),
    ("v1", "PersistentVolumeClaim"): obj(("apiVersion", "kind", "metadata", "spec"),
                                         apiVersion=STR, kind=STR, metadata=META,
                                         spec=PVC_SPEC),
    ("batch/v1", "Job"): obj(("apiVersion", "kind", "metadata", "spec"),
                             apiVersion=STR, kind=STR, metadata=META, spec=JOB_SPEC),
    ("batch/v1", "CronJob"): obj(("apiVersion", "kind", "metadata", "spec"),
                                 apiVersion=STR, kind=STR, metadata=META,
                                 spec=CRON_SPEC),
}
QUANTITY = re.compile(r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)"
                      r"([KMGTPE]i|[numkMGTPE]|[eE][+-]?[0-9]+)?$")


def validate(value, schema, path, errors):
    """Appends to errors what in value does not fit schema."""
    if schema == ANY:
        return
    if isinstance(schema, str):
        ok = {STR: lambda v: isinstance(v, str),
              INT: lambda v: isinstance(v, int) and not isinstance(v, bool),
              BOOL: lambda v: isinstance(v, bool),
              QTY: lambda v: (isinstance(v, int) and not isinstance(v, bool))
              or (isinstance(v, str) and QUANTITY.match(v))}[schema](value)
        if not ok:
            errors.append("%s: %r is not a %s" % (path, value, schema))
        return
    what = schema[0]
    if what == "enum":
        if value not in schema[1]:
            errors.append("%s: %r is not one of %s" % (path, value, "/".join(schema[1])))
    elif what == "list":
        if not isinstance(value, list):
            errors.append("%s: not a list" % path)
            return
        for i, v in enumerate(value):
            validate(v, schema[1], "%s[%d]" % (path, i), errors)
    elif what == "map":
        if not isinstance(value, dict):
            errors.append("%s: not a map" % path)
            return
        for k, v in value.items():
            validate(v, schema[1], "%s.%s" % (path, k), errors)
    else:
        validate_obj(value, schema, path, errors)


def validate_obj(value, schema, path, errors):
    _, fields, required = schema
    if not isinstance(value, dict):
        errors.append("%s: not an object" % path)
        return
    for k in sorted(required - value.keys()):
        errors.append("%s: %s is required" % (path, k))
    for k, v in value.items():
        if k not in fields:
            errors.append("%s: unknown field %s" % (path, k))
        else:
            validate(v, fields[k], "%s.%s" % (path, k), errors)


# ---- reading the manifests --------------------------------------------------------


def load(path):
    return [d for d in yaml.safe_load_all(open(path)) if d]


def doc(path, kind):
    for d in load(path):
        if d.get("kind") == kind:
            return d
    sys.exit("no %s in %s" % (kind, path))


def pod_spec(d):
    spec = d.get("spec") or {}
    if d.get("kind") == "CronJob":
        spec = (spec.get("jobTemplate") or {}).get("spec") or {}
    return (spec.get("template") or {}).get("spec") or {}


def expand(s, env):
    # k8s.io/kubernetes third_party/forked/golang/expansion: $$ is $,
    # $(NAME) of a defined NAME is its value, anything else is kept.
    out, i = [], 0
    while i < len(s):
        if s[i] == "$" and i + 1 < len(s):
            if s[i + 1] == "$":
                out.append("$")
                i += 2
                continue
            if s[i + 1] == "(":
                j = s.find(")", i + 2)
                if j > 0 and s[i + 2:j] in env:
                    out.append(env[s[i + 2:j]])
                    i = j + 1
                    continue
        out.append(s[i])
        i += 1
    return "".join(out)


def cmd_q(path, kind, keys):
    v = doc(path, kind)
    for k in keys.split("/"):
        v = v[int(k)] if isinstance(v, list) else v[k]
    print(v if isinstance(v, str) else json.dumps(v))


def cmd_argv(path, kind, container, given):
    c = [c for c in pod_spec(doc(path, kind))["containers"] if c["name"] == container][0]
    values = dict(a.split("=", 1) for a in given)
    env = {}
    for e in c.get("env", []):
        env[e["name"]] = expand(e["value"], env) if "value" in e else values.get(e["name"], "")
    for a in c.get("command", []) + c.get("args", []):
        sys.stdout.write(expand(a, env) + "\0")


# ---- checks on one document -------------------------------------------------------

DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
DNS_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
LABEL_PART = re.compile(r"^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")
ENV_NAME = re.compile(r"^[-._a-zA-Z][-._a-zA-Z0-9]*$")
# Job names become a label value (63), CronJob names get 11 more characters.
NAME_MAX = {"Job": 63, "CronJob": 52}


def containers(d):
    return pod_spec(d).get("containers") or []


def job_spec(d):
    spec = d.get("spec") or {}
    if d.get("kind") == "CronJob":
        return (spec.get("jobTemplate") or {}).get("spec") or {}
    return spec


def check_names(d):
    bad = []
    name = (d.get("metadata") or {}).get("name", "")
    if not DNS_SUBDOMAIN.match(name) or len(name) > NAME_MAX.get(d["kind"], 253):
        bad.append("metadata.name %r" % name)
    for meta in (d.get("metadata"), (job_spec(d).get("template") or {}).get("metadata")):
        for k, v in ((meta or {}).get("labels") or {}).items():
            key = k.split("/")[-1]
            if not LABEL_PART.match(key) or len(key) > 63 or (v and not LABEL_PART.match(v)):
                bad.append("label %s: %s" % (k, v))
    for what, items in (("container", containers(d)), ("volume", pod_spec(d).get("volumes") or [])):
        names = [i.get("name", "") for i in items]
        bad += ["%s name %r" % (what, n) for n in names if not DNS_LABEL.match(n)]
        bad += ["two %ss named %s" % (what, n) for n in set(names) if names.count(n) > 1]
    for c in containers(d):
        names = [e.get("name", "") for e in c.get("env") or []]
        bad += ["variable %r" % n for n in names if not ENV_NAME.match(n)]
        bad += ["%s twice" % n for n in set(names) if names.count(n) > 1]
    return bad


def check_job_rules(d):
    """What the API server refuses in a Job, and migratore's policy."""
    spec, pod, bad = job_spec(d), pod_spec(d), []
    restart = pod.get("restartPolicy", "Always")
    if restart not in ("Never", "OnFailure"):
        bad.append("restartPolicy %s (a Job's pods: Never or OnFailure)" % restart)
    rules = (spec.get("podFailurePolicy") or {}).get("rules") or []
    if (rules or "backoffLimitPerIndex" in spec) and restart != "Never":
        bad.append("podFailurePolicy and backoffLimitPerIndex need restartPolicy Never")
    indexed = spec.get("completionMode") == "Indexed"
    if "backoffLimitPerIndex" in spec and not indexed:
        bad.append("backoffLimitPerIndex without completionMode Indexed")
    if indexed and "completions" not in spec:
        bad.append("an Indexed Job without completions")
    names = [c.get("name") for c in pod.get("containers") or []]
    for r in rules:
        if ("onExitCodes" in r) == ("onPodConditions" in r):
            bad.append("a rule needs onExitCodes or onPodConditions, not both")
        if r.get("action") == "FailIndex" and "backoffLimitPerIndex" not in spec:
            bad.append("FailIndex without backoffLimitPerIndex")
        codes = r.get("onExitCodes") or {}
        if codes and codes.get("containerName", names[0] if names else None) not in names:
            bad.append("onExitCodes names no container: %s" % codes.get("containerName"))
        if codes and codes.get("operator") == "In" and 0 in (codes.get("values") or []):
            bad.append("onExitCodes In with exit code 0")
    # migratore: a failed target is in the report and the database; a
    # blind retry of the run would only repeat the failure.
    if spec.get("backoffLimit") != 0 and "backoffLimitPerIndex" not in spec:
        bad.append("backoffLimit %s: a failed run would be repeated blindly" % spec.get("backoffLimit", "6 (default)"))
    return bad


def check_volumes(d):
    pod, bad = pod_spec(d), []
    volumes = {v.get("name"): v for v in pod.get("volumes") or []}
    for name, v in volumes.items():
        sources = [k for k in VOLUME_SOURCES if k in v]
        if len(sources) != 1:
            bad.append("volume %s has %d sources" % (name, len(sources)))
    used = set()
    for c in pod.get("containers") or []:
        paths = []
        for m in c.get("volumeMounts") or []:
            used.add(m.get("name"))
            paths.append(m.get("mountPath", ""))
            if m.get("name") not in volumes:
                bad.append("%s mounts %s, no such volume" % (c.get("name"), m.get("name")))
            if not m.get("mountPath", "").startswith("/"):
                bad.append("mountPath %r is not absolute" % m.get("mountPath"))
        bad += ["%s mounted twice" % p for p in set(paths) if paths.count(p) > 1]
        for e in c.get("env") or []:
            if ("value" in e) == ("valueFrom" in e):
                bad.append("variable %s needs a value or a valueFrom" % e.get("name"))
            elif "valueFrom" in e and len(e["valueFrom"]) != 1:
                bad.append("variable %s has %d sources" % (e.get("name"), len(e["valueFrom"])))
    bad += ["volume %s is mounted nowhere" % n for n in volumes if n not in used]
    return bad


CRON_RANGES = ((0, 59), (0, 23), (1, 31), (1, 12), (0, 7))
CRON_NAMES = ({}, {}, {},
              {m: i + 1 for i, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split())},
              {w: i for i, w in enumerate("sun mon tue wed thu fri sat".split())})


def cron_field_ok(field, lo, hi, names):
    def num(s):
        s = s.lower()
        v = names[s] if s in names else int(s) if s.isdigit() else None
        return v is not None and lo <= v <= hi
    for part in field.split(","):
        base, _, step = part.partition("/")
        if step and not step.isdigit():
            return False
        if base != "*" and not all(num(x) for x in base.split("-", 1)):
            return False
    return True


def check_cron(d):
    spec, bad = d.get("spec") or {}, []
    fields = str(spec.get("schedule", "")).split()
    if len(fields) != 5 or not all(cron_field_ok(f, *r, n) for f, r, n in
                                   zip(fields, CRON_RANGES, CRON_NAMES)):
        bad.append("schedule %r" % spec.get("schedule"))
    tz = spec.get("timeZone")
    if tz and os.path.isdir("/usr/share/zoneinfo") and \
            not os.path.isfile(os.path.join("/usr/share/zoneinfo", tz)):
        bad.append("time zone %r" % tz)
    if spec.get("concurrencyPolicy") != "Forbid":
        bad.append("concurrencyPolicy %s: two fleet runs at once" % spec.get("concurrencyPolicy", "Allow"))
    return bad


# ---- checks across the files: they fit together, and fit migratore ----------------------

READS = ("inventory",)
WRITES = ("report", "log-dir", "junit", "html")
PATH_OPT = re.compile(r"--(%s)[= ]+\"?(/[^\"\s;]+)" % "|".join(READS + WRITES))
CD = re.compile(r"(?:^|[;&|]\s*|\n\s*)cd\s+\"?(/[^\"\s;|&]+)")
SHARD = re.compile(r"--shard[= ]\$\(JOB_COMPLETION_INDEX\)/([0-9]+)")
INDEX_PATH = "metadata.annotations['batch.kubernetes.io/job-completion-index']"


def pods(docs):
    """(file, document, container) of every container of a Job or CronJob."""
    return [(f, d, c) for f, d in docs if d.get("kind") in ("Job", "CronJob")
            for c in containers(d)]


def argv_text(c):
    return "\n".join(c.get("command", []) + c.get("args", []))


def mount_of(c, path):
    best = None
    for m in c.get("volumeMounts") or []:
        mp = m.get("mountPath", "").rstrip("/")
        if (path == mp or path.startswith(mp + "/")) and \
                (best is None or len(mp) > len(best["mountPath"].rstrip("/"))):
            best = m
    return best


def check_paths(docs):
    """Each path the command reads is on a volume; each it writes on a
    writable one (the root file system is read-only)."""
    bad = []
    for f, d, c in pods(docs):
        text = argv_text(c)
        used = [(o, p) for o, p in PATH_OPT.findall(text)] + [("cd", p) for p in CD.findall(text)]
        if not used:
            bad.append("%s: %s names no path" % (f, c.get("name")))
        for opt, path in used:
            m = mount_of(c, path)
            if m is None:
                bad.append("%s: %s %s is on no volume" % (f, opt, path))
            elif opt not in READS and m.get("readOnly"):
                bad.append("%s: %s %s is on a read-only volume" % (f, opt, path))
    return bad


def volume(d, name):
    for v in pod_spec(d).get("volumes") or []:
        if v.get("name") == name:
            return v
    return {}


def defined(docs, kind):
    return {d["metadata"]["name"]: d for _, d in docs if d.get("kind") == kind}


def inventories(docs):
    """(file, container, inventory dict or None, why) per --inventory."""
    out, maps = [], defined(docs, "ConfigMap")
    for f, d, c in pods(docs):
        for opt, path in PATH_OPT.findall(argv_text(c)):
            if opt != "inventory":
                continue
            m = mount_of(c, path) or {}
            cm = volume(d, m.get("name")).get("configMap") or {}
            key = path[len(m.get("mountPath", "").rstrip("/")) + 1:]
            data = (maps.get(cm.get("name")) or {}).get("data") or {}
            if key not in data:
                out.append((f, c, None, "%s: %s is no key of a ConfigMap defined here" % (f, path)))
            else:
                out.append((f, c, yaml.safe_load(data[key]), None))
    return out


def check_inventory(docs):
    """The inventory is mounted from a ConfigMap; the variables it uses are
    in the container's env; its migrations come from the image."""
    bad, seen = [], 0
    for f, c, inv, why in inventories(docs):
        seen += 1
        if inv is None:
            bad.append(why)
            continue
        env = {e.get("name") for e in c.get("env") or []}
        for var in sorted(set(re.findall(r"\$\{([A-Za-z_][A-Za-z0-9_]*)", json.dumps(inv)))):
            if var not in env:
                bad.append("%s: the inventory's ${%s} is not in %s's env" % (f, var, c.get("name")))
        path = str((inv.get("defaults") or {}).get("path", ""))
        if not path.startswith("/"):
            bad.append("%s: the inventory's path %r is not absolute" % (f, path))
        elif mount_of(c, path):
            bad.append("%s: %s is a volume, not the image's migrations" % (f, path))
    if not seen:
        bad.append("no container reads --inventory")
    return bad


def check_variables(docs):
    """Every $(VAR) of a command is a variable of its container (Kubernetes
    leaves an unknown one as it is), and JOB_COMPLETION_INDEX is the index."""
    bad = []
    for f, d, c in pods(docs):
        env = {e.get("name"): e for e in c.get("env") or []}
        text = argv_text(c).replace("$$", "")
        for var in sorted(set(re.findall(r"\$\(([A-Za-z_][A-Za-z0-9_]*)\)", text))):
            if var not in env:
                bad.append("%s: $(%s) is not a variable of %s" % (f, var, c.get("name")))
        index = env.get("JOB_COMPLETION_INDEX")
        if index is not None:
            path = ((index.get("valueFrom") or {}).get("fieldRef") or {}).get("fieldPath")
            if path != INDEX_PATH:
                bad.append("%s: JOB_COMPLETION_INDEX from %s" % (f, path))
            if job_spec(d).get("completionMode") != "Indexed":
                bad.append("%s: JOB_COMPLETION_INDEX in a Job that is not Indexed" % f)
    return bad


def check_shards(docs):
    """N agrees everywhere: completions, parallelism, --shard, -of-N, n=N."""
    bad, indexed = [], [(f, d) for f, d in docs if job_spec(d).get("completionMode") == "Indexed"]
    if not indexed:
        return ["no Indexed Job"]
    for f, d in indexed:
        spec = job_spec(d)
        n = spec.get("completions")
        if spec.get("parallelism") != n:
            bad.append("%s: parallelism %s, completions %s" % (f, spec.get("parallelism"), n))
        text = "\n".join(argv_text(c) for c in containers(d))
        shards = SHARD.findall(text)
        if len(shards) != 1 or int(shards[0]) != n:
            bad.append("%s: --shard=$(JOB_COMPLETION_INDEX)/N %s, completions %s" % (f, shards or "missing", n))
        bad += ["%s: -of-%s, completions %s" % (f, m, n) for m in re.findall(r"-of-([0-9]+)", text) if int(m) != n]
        for g, _, c in pods(docs):
            if "report merge" in argv_text(c):
                bad += ["%s: n=%s, completions %s" % (g, m, n)
                        for m in re.findall(r"\bn=([0-9]+)", argv_text(c)) if int(m) != n]
    return bad


def claims(d):
    return {v["persistentVolumeClaim"]["claimName"] for v in pod_spec(d).get("volumes") or []
            if "claimName" in (v.get("persistentVolumeClaim") or {})}


def check_references(docs, readme):
    """Every claim, ConfigMap and Secret used is defined here (the Secret in
    the README); the shards' claim is ReadWriteMany and the merge reads it."""
    bad, pvcs, maps = [], defined(docs, "PersistentVolumeClaim"), defined(docs, "ConfigMap")
    for f, d in docs:
        bad += ["%s: claim %s is defined nowhere" % (f, n) for n in claims(d) if n not in pvcs]
        for v in pod_spec(d).get("volumes") or []:
            name = (v.get("configMap") or {}).get("name")
            if name is not None and name not in maps:
                bad.append("%s: ConfigMap %s is defined nowhere" % (f, name))
    for f, _, c in pods(docs):
        for e in c.get("env") or []:
            ref = (e.get("valueFrom") or {}).get("secretKeyRef")
            if ref and not re.search(r"create secret generic %s\b[^`]*--from-literal=%s=" %
                                     (re.escape(ref.get("name", "")), re.escape(ref.get("key", ""))), readme):
                bad.append("%s: Secret %s key %s is created nowhere in README.md" % (f, ref.get("name"), ref.get("key")))
    shard_claims = set().union(*[claims(d) for _, d in docs if job_spec(d).get("completionMode") == "Indexed"])
    for n in shard_claims & pvcs.keys():
        if "ReadWriteMany" not in pvcs[n]["spec"].get("accessModes", []):
            bad.append("claim %s of the shards is not ReadWriteMany" % n)
    for f, d, c in pods(docs):
        if "report merge" in argv_text(c) and not claims(d) & shard_claims:
            bad.append("%s: the merge does not mount the shards' claim" % f)
    return bad


def check_image(docs, readme):
    images = sorted({c.get("image", "") for _, _, c in pods(docs)})
    if len(images) != 1:
        return ["images %s" % images]
    if "`%s`" % images[0] not in readme:
        return ["README.md does not name %s" % images[0]]
    return []


def check_deadline(docs):
    """migratore's --deadline ends before the Job's activeDeadlineSeconds,
    so that it stops and writes its report before the pod is killed."""
    bad = []
    for f, d, c in pods(docs):
        m = re.search(r"--deadline[= ]+([0-9hms]+)", argv_text(c))
        limit = job_spec(d).get("activeDeadlineSeconds")
        if m and limit:
            secs = sum(int(v) * {"h": 3600, "m": 60, "s": 1}[u]
                       for v, u in re.findall(r"([0-9]+)([hms])", m.group(1)))
            if secs >= limit:
                bad.append("%s: --deadline %s, activeDeadlineSeconds %d" % (f, m.group(1), limit))
    return bad


# ---- the Dockerfile (its syntax only: no engine to build it) -------------------------

INSTRUCTIONS = {"FROM", "RUN", "CMD", "LABEL", "EXPOSE", "ENV", "ADD", "COPY",
                "ENTRYPOINT", "VOLUME", "USER", "WORKDIR", "ARG", "ONBUILD",
                "STOPSIGNAL", "HEALTHCHECK", "SHELL"}
DEFAULT_PATH = ("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin")
# Already in debian:bookworm-slim, or the runtime of a sanitizer build.
IN_BASE = re.compile(r"^(libc6|libgcc-s1|libstdc\+\+6|lib(a|ub|l|t)san[0-9]+)$")


def dockerfile(path):
    """[(line, INSTRUCTION, arguments)] and the syntax errors."""
    out, bad, cont, start = [], [], "", 0
    for no, line in enumerate(open(path), 1):
        if not cont and (not line.strip() or line.lstrip().startswith("#")):
            continue
        if cont and line.lstrip().startswith("#"):
            continue
        start = start if cont else no
        cont += line.rstrip("\n")
        if cont.endswith("\\"):
            cont = cont[:-1] + " "
            continue
        word, _, rest = cont.strip().partition(" ")
        if word not in INSTRUCTIONS:
            bad.append("line %d: %s is no instruction (or not in capitals)" % (start, word))
        out.append((start, word, rest.strip()))
        cont = ""
    if cont:
        bad.append("the last line continues into nothing")
    return out, bad


def check_docker_syntax(instrs, bad):
    stages = set()
    firsts = [w for _, w, _ in instrs if w != "ARG"]
    if not firsts or firsts[0] != "FROM":
        bad.append("the first instruction is not FROM")
    for no, word, rest in instrs:
        if word == "FROM":
            m = re.match(r"^(--platform=\S+\s+)?[a-z0-9][-a-z0-9._/:@${}]*(\s+AS\s+([a-z][-a-z0-9_.]*))?$", rest, re.I)
            if not m:
                bad.append("line %d: FROM %s" % (no, rest))
            elif m.group(3):
                stages.add(m.group(3).lower())
        if word in ("CMD", "ENTRYPOINT", "SHELL") and rest.startswith("["):
            try:
                v = json.loads(rest)
                assert isinstance(v, list) and all(isinstance(x, str) for x in v)
            except (ValueError, AssertionError):
                bad.append("line %d: %s %s is no JSON list of strings" % (no, word, rest))
        m = re.match(r"^--from=(\S+)", rest)
        if word == "COPY" and m and not (m.group(1).lower() in stages or ":" in m.group(1)):
            bad.append("line %d: COPY --from=%s, no such stage" % (no, m.group(1)))
    return bad


def final_stage(instrs):
    last = max(i for i, (_, w, _) in enumerate(instrs) if w == "FROM")
    return instrs[last:]


def needed_packages(binary):
    """The Debian packages of the libraries BINARY links directly; None and
    why when that cannot be told here."""
    if not binary or not all(shutil.which(t) for t in ("objdump", "ldd", "dpkg")):
        return None, "needs the built migratore, objdump, ldd and dpkg"
    needed = re.findall(r"NEEDED\s+(\S+)", subprocess.run(
        ["objdump", "-p", binary], capture_output=True, text=True).stdout)
    where = dict(re.findall(r"^\s*(\S+) => (/\S+)", subprocess.run(
        ["ldd", binary], capture_output=True, text=True).stdout, re.M))
    pkgs = set()
    for lib in needed:
        path = where.get(lib, "")
        cands = {path, os.path.realpath(path)} | {p.replace("/usr/lib/", "/lib/") for p in (path, os.path.realpath(path))}
        r = subprocess.run(["dpkg", "-S"] + sorted(c for c in cands if c), capture_output=True, text=True)
        found = re.findall(r"^([^:\s]+)(?::\S+)?: ", r.stdout, re.M)
        if not found:
            return None, "no package owns %s" % (path or lib)
        pkgs.add(found[0])
    return {p for p in pkgs if not IN_BASE.match(p)}, None


def installed(stage):
    pkgs = set()
    for _, word, rest in stage:
        for cmd in re.findall(r"apt-get\s+install\s+([^&;|]*)", rest) if word == "RUN" else []:
            pkgs |= {w for w in cmd.split() if not w.startswith("-")}
    return pkgs


def check_docker_image(stage, docs):
    """The final stage: from bookworm-slim, migratore on PATH, the pods'
    user, the inventory's migrations directory."""
    bad = []
    if stage[0][2] != "debian:bookworm-slim":
        bad.append("final stage FROM %s" % stage[0][2])
    dests = [rest.split()[-1] for _, w, rest in stage if w in ("COPY", "ADD") and "migratore" in rest]
    if not any(os.path.dirname(p) in DEFAULT_PATH and os.path.basename(p) == "migratore" for p in dests):
        bad.append("migratore is copied to %s, not a directory of PATH" % (dests or "nowhere"))
    users = {"%s:%s" % (pod_spec(d).get("securityContext", {}).get("runAsUser"),
                        pod_spec(d).get("securityContext", {}).get("runAsGroup"))
             for _, d in docs if d.get("kind") in ("Job", "CronJob")}
    user = [rest for _, w, rest in stage if w == "USER"]
    if not user or {user[-1]} != users:
        bad.append("USER %s, the pods run as %s" % (user[-1] if user else "root", sorted(users)))
    made = " ".join(rest for _, w, rest in stage if w in ("RUN", "WORKDIR"))
    for _, _, inv, _ in inventories(docs):
        path = str(((inv or {}).get("defaults") or {}).get("path", ""))
        if path and path not in made.split():
            bad.append("the image does not create %s" % path)
    return bad


# ---- check DIR ---------------------------------------------------------------------


def result(name, problems):
    if problems:
        print("not ok\t%s\t%s" % (name, "; ".join(problems[:6])))
    else:
        print("ok\t%s" % name)


def cmd_check(dirname, binary):
    files = sorted(f for f in os.listdir(dirname) if f.endswith(".yaml"))
    readme = open(os.path.join(dirname, "README.md")).read()
    docs = []
    for f in files:
        for d in load(os.path.join(dirname, f)):
            docs.append((f, d))
            what = "%s: %s %s" % (f, d.get("kind"), (d.get("metadata") or {}).get("name"))
            schema = KINDS.get((d.get("apiVersion"), d.get("kind")))
            if schema is None:
                result(what + ": apiVersion and kind", ["%s %s is not modelled" % (d.get("apiVersion"), d.get("kind"))])
                continue
            errors = []
            validate(d, schema, d["kind"], errors)
            result(what + ": fits the Kubernetes API schema", errors + check_names(d))
            if d["kind"] in ("Job", "CronJob"):
                result(what + ": pods never restart in place, failures are not retried blindly",
                       check_job_rules(d))
                result(what + ": every mount has its volume, every variable a value", check_volumes(d))
            if d["kind"] == "CronJob":
                result(what + ": a valid schedule and time zone, never two runs at once", check_cron(d))
    result("the Indexed Job's N agrees: completions, parallelism, --shard=$(JOB_COMPLETION_INDEX)/N, -of-N, the merge's n=N",
           check_shards(docs))
    result("every $(VAR) of a command is a variable of its container; JOB_COMPLETION_INDEX is the completion index",
           check_variables(docs))
    result("every path a command reads is on a volume, every path it writes on a writable one",
           check_paths(docs))
    result("the inventory is a mounted ConfigMap key, its ${VAR}s are in the env, its migrations in the image",
           check_inventory(docs))
    result("every claim, ConfigMap and Secret is defined; the shards' claim is ReadWriteMany and the merge reads it",
           check_references(docs, readme))
    result("every container runs the one image README.md names", check_image(docs, readme))
    result("--deadline ends before activeDeadlineSeconds", check_deadline(docs))
    check_dockerfile(os.path.join(dirname, "Dockerfile"), docs, binary)


def check_dockerfile(path, docs, binary):
    instrs, bad = dockerfile(path)
    result("Dockerfile: known instructions, FROM first, stages, JSON forms", check_docker_syntax(instrs, bad))
    if not any(w == "FROM" for _, w, _ in instrs):
        return
    stage = final_stage(instrs)
    result("Dockerfile: FROM debian:bookworm-slim, migratore on PATH, the pods' user, the migrations directory",
           check_docker_image(stage, docs))
    need, why = needed_packages(binary)
    name = "Dockerfile: installs the package of every library migratore links"
    if need is None:
        print("skip\t%s\t%s" % (name, why))
    else:
        result(name + " (%s)" % " ".join(sorted(need)),
               ["%s is not installed" % p for p in sorted(need - installed(stage))])


def main(argv):
    if argv[0] == "q":
        cmd_q(*argv[1:4])
    elif argv[0] == "argv":
        cmd_argv(argv[1], argv[2], argv[3], argv[4:])
    elif argv[0] == "check":
        cmd_check(argv[1], argv[2] if len(argv) > 2 else None)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
