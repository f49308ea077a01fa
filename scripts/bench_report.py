"""Writes the micro-benchmark table into BENCHMARKS.md: each criterion group's functions with
their mean time and their ratio to the group's reference (the function named "reference: …"),
all from the same run. Usage: bench_report.py <criterion dir> <BENCHMARKS.md>"""

import json
import pathlib
import platform
import subprocess
import sys

BEGIN, END = "<!-- micro:begin -->", "<!-- micro:end -->"


def results(root):
    groups = {}
    for bench in sorted(pathlib.Path(root).glob("**/new/benchmark.json")):
        meta = json.loads(bench.read_text())
        estimates = json.loads((bench.parent / "estimates.json").read_text())
        # Criterion's headline figure: the slope of the linear fit when it sampled linearly.
        typical = estimates.get("slope") or estimates["mean"]
        groups.setdefault(meta["group_id"], []).append(
            (meta["function_id"], typical["point_estimate"]))
    return groups


def fmt(ns):
    return f"{ns / 1000:.2f} µs" if ns >= 1000 else f"{ns:.0f} ns"


def table(groups):
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), platform.processor())
    rustc = subprocess.run(["rustc", "--version"], capture_output=True, text=True).stdout.strip()
    lines = [f"Machine: {cpu}, {len(open('/proc/cpuinfo').read().split('processor')) - 1} cores; {rustc}. Command: `scripts/bench.sh`.", ""]
    for group, functions in groups.items():
        reference = next((ns for name, ns in functions if name.startswith("reference")), None)
        lines += [f"**{group}**", "", "| benchmark | time per iteration | ratio to the reference |", "|---|---|---|"]
        for name, ns in sorted(functions, key=lambda f: (not f[0].startswith("reference"), f[0])):
            ratio = "1" if name.startswith("reference") or reference is None else f"{ns / reference:.4f}"
            lines.append(f"| {name} | {fmt(ns)} | {ratio} |")
        lines.append("")
    return "\n".join(lines)


def main(root, path):
    document = pathlib.Path(path).read_text()
    before, rest = document.split(BEGIN, 1)
    _, after = rest.split(END, 1)
    pathlib.Path(path).write_text(before + BEGIN + "\n" + table(results(root)) + "\n" + END + after)


if __name__ == "__main__":
    main(*sys.argv[1:3])
