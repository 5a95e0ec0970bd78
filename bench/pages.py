#!/usr/bin/env python3
"""pages.py: which Go packages own the resident pages of a running binary.

    sudo python3 bench/pages.py PID [--top 30]

Reads /proc/PID/maps and /proc/PID/pagemap (root only: the kernel hides
page frames, not the present bit, from others, but reading pagemap of another
user's process needs root), finds the pages of the binary's own mappings that
are resident, and shares each page among the symbols of `go tool nm -size`
that overlap it. Prints the resident size of each section (.text, .rodata,
.gopclntab) and the packages with most resident code. The read-only data has
few symbols in the table (embedded files, type descriptors and strings are
not listed one by one), so it is reported per section only.

Why: most of kubedojo's RSS is its own file-backed pages (docs/benchmarks.md,
"Start-up and memory"), and which packages' code a process touches says which
dependency to remove. Standard library only; needs `go` on PATH.
"""

import argparse
import bisect
import collections
import os
import struct
import subprocess

PAGE = os.sysconf("SC_PAGE_SIZE")


def package(sym):
    """The package of a symbol name, e.g. k8s.io/api/core/v1 for
    k8s.io/api/core/v1.(*Pod).DeepCopy."""
    i = sym.rfind("/")
    j = sym.find(".", i + 1)
    return sym[:j] if j > 0 else sym


def resident(pid, lo, hi):
    """Addresses of the resident pages in [lo, hi)."""
    first, last = lo // PAGE, (hi + PAGE - 1) // PAGE
    with open(f"/proc/{pid}/pagemap", "rb") as f:
        f.seek(first * 8)
        data = f.read((last - first) * 8)
    return [(first + k // 8) * PAGE for k in range(0, len(data), 8) if struct.unpack_from("<Q", data, k)[0] >> 63]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("pid", type=int)
    ap.add_argument("--top", type=int, default=30, help="packages to list")
    a = ap.parse_args()
    binary = os.readlink(f"/proc/{a.pid}/exe")

    sections = {}
    out = subprocess.run(["readelf", "-SW", binary], capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        p = line.replace("[ ", "[").split()
        if len(p) > 5 and p[1] in (".text", ".rodata", ".gopclntab", ".noptrdata", ".data"):
            sections[p[1]] = (int(p[3], 16), int(p[3], 16) + int(p[5], 16))

    syms = []
    out = subprocess.run(["go", "tool", "nm", "-size", "-sort", "address", binary], capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        p = line.split(None, 3)
        if len(p) == 4 and p[2] in ("T", "t"):
            syms.append((int(p[0], 16), int(p[1]), p[3]))
    starts = [s[0] for s in syms]

    print(f"{binary} (pid {a.pid}): resident pages of its sections, MiB")
    code = collections.Counter()
    for name, (lo, hi) in sections.items():
        pages = resident(a.pid, lo, hi)
        print(f"  {name:<11} {len(pages) * PAGE / 2**20:6.1f} of {(hi - lo) / 2**20:6.1f}")
        if name != ".text":
            continue
        for va in pages:
            share = collections.Counter()
            i = max(0, bisect.bisect_right(starts, va) - 1)
            while i < len(syms) and syms[i][0] < va + PAGE:
                s, size, sym = syms[i]
                overlap = min(s + max(size, 1), va + PAGE) - max(s, va)
                if overlap > 0:
                    share[package(sym)] += overlap
                i += 1
            total = sum(share.values()) or 1
            for pkg, n in share.items():
                code[pkg] += PAGE * n / total
    groups = collections.Counter()
    for pkg, n in code.items():
        for prefix in ("k8s.io/api/", "k8s.io/client-go/", "k8s.io/apimachinery/", "github.com/alecthomas/chroma/"):
            if pkg.startswith(prefix):
                groups[prefix + "…"] += n
    print("resident code by package tree, MiB")
    for pkg, n in groups.most_common():
        print(f"  {n / 2**20:6.2f}  {pkg}")
    print(f"resident code by package (top {a.top}), MiB")
    for pkg, n in code.most_common(a.top):
        print(f"  {n / 2**20:6.2f}  {pkg}")


if __name__ == "__main__":
    main()
