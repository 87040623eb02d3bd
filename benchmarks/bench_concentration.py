"""Benchmark the truck factor on a synthetic repository of 50,000 commits.

    .venv/bin/python benchmarks/bench_concentration.py [--commits 50000] [--limit 30]

The repository is generated with ``git fast-import`` in a temporary directory (removed
afterwards; never committed): 40 people (some under two names or emails, one bot), 20 top
directories, about 6,000 files, each commit changing one to three files, with adds, renames and
deletes along the way. Times, in the same run: ``git log --numstat`` alone (the baseline: git
reading the same history), the engine (read + degree of authorship + truck factor of the
repository and every top directory), and the whole ``leadline concentration --json`` process.
Exits 1 when the whole process takes longer than ``--limit`` seconds.
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from leadline.concentration.truckfactor import authorship, read_git, read_tree, report

HERE = Path(__file__).resolve().parent
LEADLINE = Path(sys.executable).with_name("leadline")


def people(n: int) -> list[tuple[str, str]]:
    out = []
    for i in range(n):
        name, email = f"Dev {i:02d}", f"dev{i:02d}@example.com"
        out.append((name, email))
        if i % 7 == 0:  # an alias: same email, another spelling of the name
            out.append((f"dev {i:02d}", email))
        if i % 11 == 0:  # an alias: same name, a private email
            out.append((name, f"dev{i:02d}@home.example"))
    out.append(("dependabot[bot]", "49699333+dependabot[bot]@users.noreply.github.com"))
    return out


def generate(path: Path, commits: int, seed: int = 7) -> None:
    """Write a repository of ``commits`` commits with git fast-import."""
    rng = random.Random(seed)
    who = people(40)
    weights = [1.0 / (1 + i % 13) for i in range(len(who))]  # a few people do most of the work
    dirs = [f"area{d:02d}" for d in range(20)]
    files: list[str] = []
    subprocess.run(["git", "init", "-q", "-b", "main", str(path)], check=True)
    proc = subprocess.Popen(["git", "-C", str(path), "fast-import", "--quiet"],
                            stdin=subprocess.PIPE)  # fmt: skip
    assert proc.stdin is not None
    out = proc.stdin
    t0 = 1_600_000_000
    counter = 0
    for c in range(commits):
        name, email = rng.choices(who, weights)[0]
        when = t0 + c * 600
        msg = f"change {c} AREA-{rng.randrange(1, 500)}\n".encode()
        lines = [f"commit refs/heads/main\nauthor {name} <{email}> {when} +0000\n"
                 f"committer {name} <{email}> {when} +0000\ndata {len(msg)}\n".encode(), msg]  # fmt: skip
        ops: list[bytes] = []
        roll = rng.random()
        if not files or roll < 0.12:
            for _ in range(rng.randint(1, 3)):
                counter += 1
                p = f"{rng.choice(dirs)}/sub{rng.randrange(5)}/file{counter}.py"
                files.append(p)
                body = f"{p}\n{c}\n".encode() * 8
                ops.append(f"M 100644 inline {p}\ndata {len(body)}\n".encode() + body + b"\n")
        elif roll < 0.13 and len(files) > 50:
            i = rng.randrange(len(files))
            old = files[i]
            counter += 1
            new = f"{rng.choice(dirs)}/moved/file{counter}.py"
            files[i] = new
            ops.append(f"R {old} {new}\n".encode())
        elif roll < 0.135 and len(files) > 50:
            old = files.pop(rng.randrange(len(files)))
            ops.append(f"D {old}\n".encode())
        else:
            for p in {rng.choice(files[-2000:] if rng.random() < 0.7 else files)
                      for _ in range(rng.randint(1, 3))}:  # fmt: skip
                body = f"{p}\n{c}\n".encode() * 8
                ops.append(f"M 100644 inline {p}\ndata {len(body)}\n".encode() + body + b"\n")
        out.write(b"".join(lines) + b"".join(ops) + b"\n")
    out.close()
    if proc.wait() != 0:
        raise SystemExit("git fast-import failed")
    subprocess.run(["git", "-C", str(path), "checkout", "-q", "main"], check=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--commits", type=int, default=50_000)
    ap.add_argument("--limit", type=float, default=30.0, help="seconds the whole command may take")
    args = ap.parse_args()
    clock = time.perf_counter
    with tempfile.TemporaryDirectory(prefix="bench-concentration-") as tmp:
        repo = Path(tmp) / "repo"
        t = clock()
        generate(repo, args.commits)
        gen = clock() - t
        t = clock()
        subprocess.run(
            ["git", "-C", str(repo), "log", "--no-merges", "--numstat", "--format=%H %aN %aE"],
            check=True,
            capture_output=True,
        )
        base = clock() - t
        t = clock()
        commits, tree = read_git(repo), read_tree(repo)
        read = clock() - t
        t = clock()
        summary = report(
            authorship(commits, files=tree), sorted({p.split("/")[0] for p in tree or []})
        )
        calc = clock() - t
        t = clock()
        proc = subprocess.run([str(LEADLINE), "concentration", str(repo), "--json"],
                              capture_output=True, text=True)  # fmt: skip
        whole = clock() - t
        if proc.returncode != 0:
            raise SystemExit(proc.stderr)
    authors = summary["authors"]
    areas = summary["areas"]
    assert isinstance(authors, list) and isinstance(areas, list)
    print(f"# {args.commits:,} commits, {summary['files']:,} files at the end, {len(authors)} "
          f"authors; generated with git fast-import in {gen:.1f} s")  # fmt: skip
    print(f"# truck factor {summary['truck_factor']}, {len(areas)} areas")
    print(f"{'what':<52} {'seconds':>8} {'× git log':>10}")
    rows = [
        ("git log --numstat alone (baseline)", base),
        ("engine: read (git log --name-status -M -z + ls-tree)", read),
        ("engine: authorship + truck factors (repo + areas)", calc),
        ("leadline concentration PATH --json (whole process)", whole),
    ]
    for name, secs in rows:
        print(f"{name:<52} {secs:>8.2f} {secs / base:>10.2f}")
    verdict = "within" if whole <= args.limit else "OVER"
    print(f"# whole process {whole:.1f} s: {verdict} the {args.limit:.0f} s limit")
    if whole > args.limit:
        sys.exit(1)


if __name__ == "__main__":
    main()
