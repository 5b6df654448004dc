#!/usr/bin/env python3
"""Score crosswire against the labelled real-code sites in eval/.

Fetches every project at its pinned commit or version (network: GitHub and the
npm registry), runs crosswire on it, and compares each finding with the labels:
per rule TP/FN/FP/TN, recall and precision, and every disagreement.
See eval/README.md for the label format.
"""

import argparse
import csv
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import threading
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
EVAL = REPO / "eval"
PROJECT_COLUMNS = ["id", "kind", "source", "pin", "note"]
LABEL_COLUMNS = ["project", "path", "line", "rule", "verdict", "reason"]
APPLICATION_KINDS = {"app", "extension", "tutorial", "game", "chat", "dashboard", "server"}
KINDS = APPLICATION_KINDS | {"library"}
# Findings about the run rather than the code are never labelled.
UNSCORED_RULES = {"parse-error", "unused-ignore"}


class EvalError(Exception):
    pass


def read_tsv(path, columns):
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    rows = [r for r in rows if r and not (len(r) == 1 and not r[0].strip())]
    if not rows or [c.strip() for c in rows[0][: len(columns)]] != columns:
        raise EvalError(f"{path}: the first line must be the header {' '.join(columns)}")
    out = []
    for number, row in enumerate(rows[1:], start=2):
        if row[0].startswith("#"):
            continue
        if len(row) < len(columns) - 1:
            raise EvalError(f"{path}:{number}: expected {len(columns)} tab-separated columns, found {len(row)}")
        row = [c.strip() for c in row] + [""] * (len(columns) - len(row))
        out.append(dict(zip(columns, row), _where=f"{path.relative_to(REPO)}:{number}"))
    return out


def known_rules():
    return {p.stem for p in (REPO / "rules").glob("*.md")}


def load():
    projects = {}
    for path in sorted((EVAL / "projects").glob("*.tsv")):
        for row in read_tsv(path, PROJECT_COLUMNS):
            if row["kind"] not in KINDS:
                raise EvalError(f"{row['_where']}: unknown kind {row['kind']!r}")
            if not re.fullmatch(r"(github:[\w.-]+/[\w.-]+|npm:(@[\w.-]+/)?[\w.-]+|local:eval/own/[\w.-]+)", row["source"]):
                raise EvalError(f"{row['_where']}: bad source {row['source']!r}")
            if row["source"].startswith("github:") and not re.fullmatch(r"[0-9a-f]{40}", row["pin"]):
                raise EvalError(f"{row['_where']}: a GitHub project is pinned by its full commit")
            previous = projects.get(row["id"])
            if previous and (previous["source"], previous["pin"]) != (row["source"], row["pin"]):
                raise EvalError(f"{row['_where']}: {row['id']} is declared differently in {previous['_where']}")
            projects.setdefault(row["id"], row)
    rules = known_rules()
    labels = {}
    for path in sorted((EVAL / "labels").glob("*.tsv")):
        for row in read_tsv(path, LABEL_COLUMNS):
            where = row["_where"]
            if row["project"] not in projects:
                raise EvalError(f"{where}: unknown project {row['project']!r}")
            if row["rule"] not in rules:
                raise EvalError(f"{where}: unknown rule {row['rule']!r}")
            if row["verdict"] not in ("yes", "no"):
                raise EvalError(f"{where}: the verdict is yes or no, not {row['verdict']!r}")
            m = re.fullmatch(r"(\d+)(?:-(\d+))?", row["line"])
            if not m:
                raise EvalError(f"{where}: bad line {row['line']!r}")
            first = int(m.group(1))
            last = int(m.group(2) or first)
            if last < first:
                raise EvalError(f"{where}: empty line range")
            if not row["reason"]:
                raise EvalError(f"{where}: every label gives its reason")
            path_ = row["path"].removeprefix("./")
            key = (row["project"], path_, first, last, row["rule"])
            if key in labels and labels[key]["verdict"] != row["verdict"]:
                raise EvalError(f"{where}: contradicts {labels[key]['_where']}")
            labels[key] = dict(row, path=path_, first=first, last=last)
    return projects, list(labels.values())


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


def materialize(project, cache):
    source, pin = project["source"], project["pin"]
    kind, _, name = source.partition(":")
    if kind == "local":
        return REPO / name
    dest = cache / re.sub(r"[^\w.@+-]", "+", f"{name}@{pin}")
    marker = dest / ".crosswire-eval-complete"
    if kind == "npm":
        root = dest / "package"
    else:
        root = dest / "tree"
    if marker.exists():
        # Caches made before crosswire read extension manifests, or before the evaluation
        # kept the module-resolution configs: add them (only adds files, so a concurrent
        # run reading the tree is not disturbed).
        for wanted, extra in ((is_manifest, ".crosswire-eval-manifests"),
                              (is_module_config, ".crosswire-eval-configs")):
            done = dest / extra
            if kind == "github" and not done.exists():
                git_dir = mirror_git_dir(name)
                if git_dir is not None:
                    extract_sources(git_dir, pin, root, is_wanted=wanted)
                    done.touch()
        return root
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    if kind == "github":
        git_dir = mirror_git_dir(name)
        if git_dir is None:
            git_dir = dest / "git"
            run(["git", "init", "-q", "--bare", str(git_dir)])
            run(["git", "--git-dir", str(git_dir), "fetch", "-q", "--depth", "1",
                 f"https://github.com/{name}", pin])
        extract_sources(git_dir, pin, root)
        (dest / ".crosswire-eval-manifests").touch()
        (dest / ".crosswire-eval-configs").touch()
        if git_dir.parent == dest:
            shutil.rmtree(git_dir)
    elif kind == "npm":
        out = run(["npm", "pack", "--silent", f"{name}@{pin}", "--pack-destination", str(dest)],
                  stdout=subprocess.PIPE, text=True).stdout.split()
        with tarfile.open(dest / out[-1]) as tar:
            tar.extractall(dest, filter="data")
    marker.touch()
    return root


def mirror_git_dir(name):
    """The bare mirror of a GitHub project under $CROSSWIRE_EVAL_MIRRORS, if there is one."""
    mirror = os.environ.get("CROSSWIRE_EVAL_MIRRORS")
    if mirror:
        for candidate in (Path(mirror) / name.replace("/", "+") / "repo" / ".git",
                          Path(mirror) / name.replace("/", "+") / "repo"):
            if (candidate / "objects").exists():
                return candidate
    return None


# What crosswire reads; other files (images, media, archives) are not extracted.
SOURCE_SUFFIXES = (".js", ".jsx", ".mjs", ".cjs", ".ts", ".tsx", ".mts", ".cts", ".html", ".htm",
                   ".vue", ".svelte", ".astro")


def is_manifest(path):
    """A browser extension's manifest, which crosswire reads for its sandboxed pages."""
    return path.rsplit("/", 1)[-1] == "manifest.json"


def is_module_config(path):
    """What crosswire's module resolution reads: package.json (workspace packages by name,
    their entry points) and tsconfig/jsconfig (baseUrl, paths, extends), as a checkout has
    them; without them imports of a monorepo's own packages and aliases resolve nowhere."""
    name = path.rsplit("/", 1)[-1]
    return name == "package.json" or (
        name.endswith(".json") and name.startswith(("tsconfig", "jsconfig")))


def is_source(path):
    return path.lower().endswith(SOURCE_SUFFIXES) or is_manifest(path) or is_module_config(path)


def extract_sources(git_dir, pin, root, is_wanted=is_source):
    """Writes the commit's source files (those is_wanted keeps) under root. Blobs a partial
    mirror lacks are skipped (and counted), so one missing asset does not lose the project."""
    listing = run(["git", "--git-dir", str(git_dir), "ls-tree", "-r", "-z", pin],
                  stdout=subprocess.PIPE).stdout.split(b"\0")
    wanted = []
    for entry in listing:
        if not entry:
            continue
        meta, _, path = entry.partition(b"\t")
        mode, kind, oid = meta.split()
        if kind == b"blob" and mode != b"120000" and is_wanted(path.decode("utf-8", "replace")):
            wanted.append((oid.decode(), path.decode("utf-8", "replace")))
    batch = subprocess.Popen(["git", "--git-dir", str(git_dir), "cat-file", "--batch"],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    # Fed from a thread: the answers fill their pipe while the questions are written.
    def ask():
        batch.stdin.write("".join(f"{oid}\n" for oid, _ in wanted).encode())
        batch.stdin.close()
    asker = threading.Thread(target=ask)
    asker.start()
    missing = 0
    for oid, path in wanted:
        header = batch.stdout.readline().split()
        if len(header) < 3:
            missing += 1
            continue
        data = batch.stdout.read(int(header[2]))
        batch.stdout.read(1)
        target = (root / path).resolve()
        if not str(target).startswith(str(root.resolve()) + os.sep):
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    asker.join()
    batch.wait()
    root.mkdir(parents=True, exist_ok=True)
    if missing:
        print(f"  ({missing} source files of {git_dir} are not in the mirror)", file=sys.stderr)


def findings_of(binary, root):
    proc = subprocess.run([str(binary), "--format", "json", "--no-ignore", str(root)],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if proc.returncode not in (0, 1):
        raise EvalError(f"crosswire failed on {root} ({proc.returncode}): {proc.stderr.strip()[:500]}")
    out = []
    for f in json.loads(proc.stdout)["findings"]:
        path = Path(f["path"])
        try:
            rel = path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            rel = path.as_posix()
        out.append({"rule": f["rule"], "path": rel, "line": f["start"]["line"], "message": f["message"]})
    return out


def ratio(a, b):
    return a / b if b else float("nan")


def fmt(x):
    return "  -  " if x != x else f"{x:.3f}"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", default=str(REPO / "target" / "release" / "crosswire"),
                    help="the crosswire binary to score (default: target/release/crosswire)")
    ap.add_argument("--cache", default=os.environ.get("CROSSWIRE_EVAL_CACHE",
                                                      str(Path.home() / ".cache" / "crosswire-eval")),
                    help="where fetched projects are kept between runs")
    ap.add_argument("--project", action="append", help="score only this project id (repeatable)")
    ap.add_argument("--json", help="also write the scores and disagreements to this file")
    ap.add_argument("--check", action="store_true", help="only validate the label files, fetch nothing")
    args = ap.parse_args()

    try:
        projects, labels = load()
    except EvalError as e:
        sys.exit(f"eval: {e}")
    apps = sum(1 for p in projects.values() if p["kind"] in APPLICATION_KINDS)
    print(f"{len(labels)} labelled sites in {len(projects)} projects ({apps} applications)")
    if args.check:
        return

    binary = Path(args.bin)
    if not binary.exists():
        sys.exit(f"eval: no crosswire binary at {binary}: run `cargo build --release` first")
    cache = Path(args.cache)
    cache.mkdir(parents=True, exist_ok=True)

    wanted = set(args.project or projects)
    by_project = defaultdict(list)
    unscored = 0
    for label in labels:
        if label["rule"] in UNSCORED_RULES:
            unscored += 1
            continue
        by_project[label["project"]].append(label)
    if unscored:
        print(f"({unscored} labels of {', '.join(sorted(UNSCORED_RULES))} are kept but not scored)")

    counts = defaultdict(lambda: defaultdict(int))
    disagreements, unlabelled, failures = [], [], []
    for pid in sorted(wanted):
        project = projects.get(pid)
        if project is None:
            sys.exit(f"eval: unknown project {pid}")
        try:
            root = materialize(project, cache)
            findings = findings_of(binary, root)
        except (EvalError, subprocess.CalledProcessError, OSError) as e:
            failures.append(f"{pid}: {e}")
            continue
        matched = set()
        for label in by_project[pid]:
            hits = [i for i, f in enumerate(findings)
                    if f["rule"] == label["rule"] and f["path"] == label["path"]
                    and label["first"] <= f["line"] <= label["last"]]
            matched.update(hits)
            reported = bool(hits)
            truth = label["verdict"] == "yes"
            outcome = {(True, True): "TP", (True, False): "FN", (False, True): "FP", (False, False): "TN"}[(truth, reported)]
            counts[label["rule"]][outcome] += 1
            if outcome in ("FN", "FP"):
                disagreements.append(dict(outcome=outcome, project=pid, path=label["path"], line=label["line"],
                                          rule=label["rule"], reason=label["reason"], where=label["_where"]))
        for i, f in enumerate(findings):
            if i not in matched and f["rule"] not in UNSCORED_RULES:
                unlabelled.append(dict(project=pid, **f))

    total = defaultdict(int)
    print(f"\n{'rule':38} {'TP':>4} {'FN':>4} {'FP':>4} {'TN':>4}  recall  precision")
    scores = {}
    for rule in sorted(counts):
        c = counts[rule]
        for k in ("TP", "FN", "FP", "TN"):
            total[k] += c[k]
        r, p = ratio(c["TP"], c["TP"] + c["FN"]), ratio(c["TP"], c["TP"] + c["FP"])
        scores[rule] = dict(c, recall=r, precision=p)
        print(f"{rule:38} {c['TP']:4} {c['FN']:4} {c['FP']:4} {c['TN']:4}  {fmt(r)}   {fmt(p)}")
    r, p = ratio(total["TP"], total["TP"] + total["FN"]), ratio(total["TP"], total["TP"] + total["FP"])
    scores["overall"] = dict(total, recall=r, precision=p)
    print(f"{'overall':38} {total['TP']:4} {total['FN']:4} {total['FP']:4} {total['TN']:4}  {fmt(r)}   {fmt(p)}")

    if disagreements:
        print(f"\n{len(disagreements)} disagreements (FN: labelled yes, not reported; FP: labelled no, reported):")
        for d in disagreements:
            print(f"  {d['outcome']} {d['rule']} {d['project']} {d['path']}:{d['line']}  ({d['where']}) {d['reason']}")
    if unlabelled:
        print(f"\n{len(unlabelled)} findings no label covers (label them):")
        for u in unlabelled:
            print(f"  {u['rule']} {u['project']} {u['path']}:{u['line']}  {u['message'][:100]}")
    if failures:
        print(f"\n{len(failures)} projects could not be scored:")
        for f in failures:
            print(f"  {f}")
    if args.json:
        Path(args.json).write_text(json.dumps(dict(scores=scores, disagreements=disagreements,
                                                   unlabelled=unlabelled, failures=failures), indent=2))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
