#!/usr/bin/env python3
"""bench.py: kubedojo against a shell-out grader, side by side, on a kind lab.

Run from the repository root on any running kind lab that kubedojo can use:

    python3 bench/bench.py --lab-name kubedojo --state-dir ~/.local/state/kubedojo
    python3 bench/bench.py --lab-name kubedojo-e2e --baseline /tmp/kubedojo-old   # also an older build

It builds ./cmd/kubedojo (or takes --kubedojo BIN), and in one interleaved run
(every round runs each contender once, in turn, so a busy machine slows all of
them alike) measures:

  one-shot grade  `check --no-wait`, `check` (waits while something converges)
                  and bench/shellgrade.sh (one kubectl get per check, a probe
                  pod for HTTP), on a failing and a passing state of
                  services/fix-selector (it has an HTTP check);
  reset           `lab reset` against delete namespace, apply, wait;
  re-grade        from a recorded API event (the pod's update, as a separate
                  `kubectl get --watch` receives it) to the `check --watch`
                  report that shows it, p50/p95, on pods-basics/first-pod; the
                  shell-out grader has no watch, its re-grade is a one-shot grade;
  first frame     time until the TUI shows the course map (80x24 pty);
  memory          RSS of `check --watch` on the live exercise after --hold s,
                  and of the TUI open on that exercise (resumed there from a
                  progress file in a state directory of its own, the lab
                  reached through --kubeconfig --allow-foreign-cluster) after
                  --tui-hold s, each split into anonymous and file-backed
                  pages and the binary's resident code, read-only data and
                  line table (the file-backed part is mostly the binary);
  idle requests   API requests of that watch while nothing changes (counted by
                  a proxy in front of `kubectl proxy`).

Times are wall clock (median of the rounds) with CPU time (user+sys) beside:
on a loaded machine CPU time is the steadier number. The machine's load
average is printed with the results. It leaves the two exercises set up on the
lab (pod-1, svc-4); `kubedojo lab reset` or deleting those namespaces removes
them. Standard library only.

    python3 bench/bench.py --memory-only --no-lab --tui-hold 300   # no cluster: the TUI's memory alone
    python3 bench/bench.py --memory-only --lab-name kubedojo-e2e --state-dir DIR  # both memories on a lab
"""

import argparse
import http.client
import http.server
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import tty_frame  # noqa: E402

SHELLGRADE = os.path.join(HERE, "shellgrade.sh")
GRADED = "services/fix-selector"
WATCHED = "pods-basics/first-pod"


def timed(argv, env=None, must=False):
    """Runs argv; returns (wall s, cpu s, peak RSS KiB, exit code) of that
    process. must: a failure stops the benchmark, with the command's stderr."""
    start = time.monotonic()
    with tempfile.TemporaryFile() as errf:
        p = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=errf)
        _, status, ru = os.wait4(p.pid, 0)
        code = os.waitstatus_to_exitcode(status)
        if must and code != 0:
            errf.seek(0)
            msg = f"{' '.join(argv)}: exit {code}\n{errf.read().decode(errors='replace')[-2000:]}"
            if must == "retried":
                sys.exit(msg)
            # A reset on a loaded machine can time out; one more try, then give up.
            print(f"  (retrying) {msg.strip()}", flush=True)
            return timed(argv, env, must="retried")
    return time.monotonic() - start, ru.ru_utime + ru.ru_stime, ru.ru_maxrss, code


class Contender:
    def __init__(self, name, binary, args):
        self.name, self.binary, self.args = name, binary, args

    def cmd(self, *rest):
        return [self.binary] + self.args + list(rest)


def ms(s):
    return f"{s * 1000:.0f} ms" if s < 10 else f"{s:.1f} s"


def summary(samples):
    walls = [s[0] for s in samples]
    cpus = [s[1] for s in samples]
    return f"{ms(statistics.median(walls))} (range {ms(min(walls))}–{ms(max(walls))}; cpu {ms(statistics.median(cpus))})"


def percentile(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


class CountingProxy(http.server.ThreadingHTTPServer):
    """An HTTP proxy in front of `kubectl proxy` that counts requests."""

    daemon_threads = True

    def __init__(self, upstream_port):
        self.upstream_port, self.requests, self.lock = upstream_port, [], threading.Lock()
        super().__init__(("127.0.0.1", 0), ProxyHandler)


class ProxyHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def relay(self):
        with self.server.lock:
            self.server.requests.append((time.monotonic(), self.command, self.path))
        body = None
        if "Content-Length" in self.headers:
            body = self.rfile.read(int(self.headers["Content-Length"]))
        up = http.client.HTTPConnection("127.0.0.1", self.server.upstream_port)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")}
        up.request(self.command, self.path, body=body, headers=headers)
        r = up.getresponse()
        self.send_response(r.status)
        for k, v in r.getheaders():
            if k.lower() not in ("transfer-encoding", "connection", "content-length"):
                self.send_header(k, v)
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        try:
            while True:
                chunk = r.read1(65536)
                if not chunk:
                    break
                self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                self.wfile.flush()
            self.wfile.write(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass
        up.close()

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = relay


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def memory(pid, binary):
    """RSS of a process in MiB: total, anonymous, file-backed, peak, and the
    resident part of each of the binary's mappings (code r-x, read-only data
    and line table r--) from /proc/PID/smaps."""
    out = {}
    try:
        with open(f"/proc/{pid}/status") as f:
            for l in f:
                k, _, v = l.partition(":")
                if k in ("VmRSS", "RssAnon", "RssFile", "VmHWM"):
                    out[k] = int(v.split()[0]) // 1024
        real = os.path.realpath(binary)
        cur = None
        with open(f"/proc/{pid}/smaps") as f:
            for l in f:
                p = l.split()
                if "-" in p[0] and len(p) >= 5 and p[0][0] in "0123456789abcdef" and not p[0].endswith(":"):
                    cur = p[1] if len(p) > 5 and p[5] == real else None
                elif cur and p[0] == "Rss:":
                    out["binary " + cur] = out.get("binary " + cur, 0) + int(p[1]) // 1024
    except OSError:
        pass
    return out


def memory_line(r):
    return (f"RSS {r.get('VmRSS')} (anonymous {r.get('RssAnon')}, file-backed {r.get('RssFile')}: "
            f"binary code {r.get('binary r-xp')}, read-only data and line table {r.get('binary r--p')}), peak {r.get('VmHWM')}")


class TUI:
    """The TUI in an 80x24 pty, its output read and dropped, until stop."""

    def __init__(self, argv, env=None):
        import pty
        import fcntl
        import struct
        import termios
        self.buf, self.lock, self.done = b"", threading.Lock(), False
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            if env:
                os.environ.update(env)
            os.execvp(argv[0], argv)
        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        threading.Thread(target=self.read, daemon=True).start()

    def read(self):
        while not self.done:
            try:
                b = os.read(self.fd, 65536)
            except OSError:
                return
            if not b:
                return
            with self.lock:
                self.buf = (self.buf + b)[-200000:]

    def shows(self, text, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if text.encode() in tty_frame.ANSI.sub(b"", self.buf):
                    return True
            time.sleep(0.2)
        return False

    def stop(self):
        self.done = True
        try:
            os.write(self.fd, b"q")
            time.sleep(0.5)
            os.kill(self.pid, signal.SIGKILL)
        except OSError:
            pass
        os.waitpid(self.pid, 0)
        os.close(self.fd)


def tui_memory(binary, tmp, name, kubeconfig, hold, state_dir=None):
    """Opens the TUI on WATCHED (resumed there from progress.json in a fresh
    state directory; with a kubeconfig the lab is used as an existing
    cluster, so the shared lab's own state directory is not written) and
    returns its memory after hold seconds, or None if the exercise never
    showed. The fresh directory takes the instance id of state_dir, so the
    TUI owns the exercise namespace that `lab reset` made there."""
    state = os.path.join(tmp, f"tui-{name}")
    os.makedirs(state, exist_ok=True)
    if state_dir and os.path.exists(os.path.join(state_dir, "instance")):
        shutil.copy(os.path.join(state_dir, "instance"), os.path.join(state, "instance"))
    lesson = WATCHED.split("/")[0]
    with open(os.path.join(state, "progress.json"), "w") as f:
        json.dump({"version": 1, "courses": {"cka": {"updated": "2026-01-01T00:00:00Z",
                  "last": {"screen": "exercise", "lesson": lesson, "exercise": WATCHED}}}}, f)
    argv = [binary, "--state-dir", state]
    if kubeconfig:
        argv += ["--kubeconfig", kubeconfig, "--allow-foreign-cluster", "tui"]
    else:
        argv += ["tui", "--no-lab"]
    t = TUI(argv)
    try:
        # The exercise screen names its checks; the course map does not.
        if not t.shows("Checks", timeout=120):
            return None
        time.sleep(hold)
        return memory(t.pid, binary)
    finally:
        t.stop()


class Watcher:
    """`check --watch --json` in the background, its lines time-stamped."""

    def __init__(self, argv):
        self.lines, self.cv = [], threading.Condition()
        self.p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        threading.Thread(target=self.read, daemon=True).start()

    def read(self):
        for line in self.p.stdout:
            with self.cv:
                self.lines.append((time.monotonic(), line))
                self.cv.notify_all()

    def wait_for(self, pred, after, timeout=60):
        """First line after index `after` for which pred(json) holds."""
        deadline = time.monotonic() + timeout
        i = after
        with self.cv:
            while True:
                while i < len(self.lines):
                    t, line = self.lines[i]
                    i += 1
                    try:
                        if pred(json.loads(line)):
                            return t, i
                    except ValueError:
                        continue
                left = deadline - time.monotonic()
                if left <= 0:
                    return None, i
                self.cv.wait(left)

    def rss(self):
        return memory(self.p.pid, self.p.args[0])

    def stop(self):
        self.p.send_signal(signal.SIGINT)
        try:
            self.p.wait(5)
        except subprocess.TimeoutExpired:
            self.p.kill()


class EventRecorder:
    """A separate `kubectl get --watch` on one object: when the API server's
    events about it arrive."""

    def __init__(self, kubectl_env, ns, obj):
        self.events, self.cv = [], threading.Condition()
        self.p = subprocess.Popen(["kubectl", "-n", ns, "get", obj, "--watch", "--output-watch-events", "-o", "jsonpath={.type} {.object.metadata.labels.app}{\"\\n\"}"],
                                  stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=kubectl_env)
        threading.Thread(target=self.read, daemon=True).start()

    def read(self):
        for line in self.p.stdout:
            with self.cv:
                self.events.append((time.monotonic(), line.strip()))
                self.cv.notify_all()

    def wait_for(self, text, after, timeout=30):
        deadline = time.monotonic() + timeout
        with self.cv:
            while True:
                for i in range(after, len(self.events)):
                    if self.events[i][1].endswith(text):
                        return self.events[i][0], i + 1
                left = deadline - time.monotonic()
                if left <= 0:
                    return None, after
                self.cv.wait(left)

    def stop(self):
        self.p.kill()


def print_tui_memory(ours, tmp, kubeconfig, hold, how, state_dir=None):
    print(f"\nmemory of the TUI open on {WATCHED} after {hold:.0f} s ({how}, MiB):")
    for c in ours:
        r = tui_memory(c.binary, tmp, c.name, kubeconfig, hold, state_dir)
        print(f"  {c.name:<10} " + (memory_line(r) if r else "the exercise screen never showed"))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--kubedojo", help="kubedojo binary (default: build ./cmd/kubedojo)")
    ap.add_argument("--baseline", help="another kubedojo binary to compare with (an older build)")
    ap.add_argument("--lab-name", default="kubedojo")
    ap.add_argument("--state-dir", help="kubedojo state directory (--state-dir)")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--regrades", type=int, default=20, help="changes timed for re-grade latency")
    ap.add_argument("--hold", type=float, default=60, help="seconds the watch runs before its RSS is read")
    ap.add_argument("--idle", type=float, default=30, help="seconds of idle watch in which API requests are counted")
    ap.add_argument("--tui-hold", type=float, default=60, help="seconds the TUI stays open on the exercise before its RSS is read")
    ap.add_argument("--memory-only", action="store_true", help="measure only memory: the watch's (unless --no-lab) and the TUI's")
    ap.add_argument("--no-lab", action="store_true", help="with --memory-only: no cluster, the TUI's memory with --no-lab alone")
    a = ap.parse_args()
    if a.no_lab and not a.memory_only:
        ap.error("--no-lab needs --memory-only")

    tmp = tempfile.mkdtemp(prefix="kubedojo-bench-")
    binary = a.kubedojo
    if not binary:
        binary = os.path.join(tmp, "kubedojo")
        subprocess.run(["go", "build", "-o", binary, "./cmd/kubedojo"], check=True)
    common = ["--lab-name", a.lab_name] + (["--state-dir", a.state_dir] if a.state_dir else [])
    ours = [Contender("kubedojo", binary, common)]
    if a.baseline:
        ours.append(Contender("baseline", a.baseline, common))
    commit = subprocess.run(["git", "describe", "--always", "--dirty"], capture_output=True, text=True).stdout.strip()

    if a.no_lab:
        print(f"kubedojo memory — {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, commit {commit}")
        print(f"machine: {platform.node()}, {os.cpu_count()} CPUs, {platform.platform()}; no lab; load average at start {os.getloadavg()[0]:.1f}")
        print_tui_memory(ours, tmp, None, a.tui_hold, "--no-lab")
        print(f"\nload average at end {os.getloadavg()[0]:.1f}")
        shutil.rmtree(tmp, ignore_errors=True)
        return

    kubeconfig = None
    if a.state_dir:
        cand = os.path.join(a.state_dir, "clusters", a.lab_name, "kubeconfig")
        if os.path.exists(cand):
            kubeconfig = cand
    if not kubeconfig:
        kubeconfig = os.path.join(tmp, "kubeconfig")
        with open(kubeconfig, "w") as f:
            f.write(subprocess.run(["kind", "get", "kubeconfig", "--name", a.lab_name], capture_output=True, text=True, check=True).stdout)
    kenv = dict(os.environ, KUBECONFIG=kubeconfig, SHELLGRADE_STATE=os.path.join(tmp, "shellgrade"))
    shell = ["bash", SHELLGRADE]

    print(f"kubedojo benchmark — {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, commit {commit}")
    print(f"machine: {platform.node()}, {os.cpu_count()} CPUs, {platform.platform()}; lab {a.lab_name}; load average at start {os.getloadavg()[0]:.1f}")
    print(f"rounds: {a.rounds} (interleaved); contenders: {', '.join(c.name for c in ours)}, shell-out grader (bash + kubectl)")

    # Start-up: version (the floor) and the TUI's first frame.
    res = {}
    for _ in range(0 if a.memory_only else a.rounds):
        for c in ours:
            res.setdefault((c.name, "version"), []).append(timed(c.cmd("version")))
            t, cpu = tty_frame.first_frame(c.cmd(), "Course map")
            if t is not None:
                res.setdefault((c.name, "TUI first frame"), []).append((t, cpu))
    # Reset and one-shot grades of services/fix-selector, failing then passing.
    for _ in range(0 if a.memory_only else a.rounds):
        res.setdefault(("shell-out", "reset"), []).append(timed(shell + ["reset", GRADED], env=kenv, must=True))
        for c in ours:
            res.setdefault((c.name, "reset"), []).append(timed(c.cmd("lab", "reset", GRADED), must=True))
        subprocess.run(shell + ["record", GRADED], env=kenv, check=True)
        for state in ("failing", "passing"):
            if state == "passing":
                subprocess.run(["kubectl", "-n", "svc-4", "patch", "service", "catalog", "-p", '{"spec":{"selector":{"app":"catalog","tier":"api"}}}'],
                               env=kenv, check=True, stdout=subprocess.DEVNULL)
                # Grade once the endpoints are there, so all contenders see the same state.
                subprocess.run(["kubectl", "-n", "svc-4", "wait", "--for=jsonpath={.endpoints[1].conditions.ready}=true", "endpointslice", "-l", "kubernetes.io/service-name=catalog", "--timeout=60s"],
                               env=kenv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            for c in ours:
                res.setdefault((c.name, f"check --no-wait, {state}"), []).append(timed(c.cmd("check", "--no-wait", GRADED)))
                res.setdefault((c.name, f"check, {state}"), []).append(timed(c.cmd("check", GRADED)))
            res.setdefault(("shell-out", f"grade, {state}"), []).append(timed(shell + ["grade", GRADED], env=kenv))

    if res:
        print("\none-shot grade, reset and start-up (median of rounds; wall, with CPU time):")
    for (who, what), samples in res.items():
        print(f"  {who:<10} {what:<28} {summary(samples)}")

    # Re-grade latency on pods-basics/first-pod: solved, then its label flips.
    subprocess.run(ours[0].cmd("lab", "reset", WATCHED), check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    subprocess.run(["kubectl", "-n", "pod-1", "run", "web", "--image=nginx:1.27", "--labels=app=web", "--port=80"], env=kenv, check=True, stdout=subprocess.DEVNULL)
    subprocess.run(["kubectl", "-n", "pod-1", "wait", "pod/web", "--for=condition=Ready", "--timeout=120s"], env=kenv, check=True, stdout=subprocess.DEVNULL)
    watchers = {c.name: Watcher(c.cmd("check", "--watch", "--json", WATCHED)) for c in ours}
    started = time.monotonic()
    label_is = lambda status: lambda r: any(x["id"] == "label" and x["status"] == status for x in r.get("checks", []))
    for w in watchers.values():
        w.wait_for(label_is("pass"), 0)
    rec = EventRecorder(kenv, "pod-1", "pod/web")
    time.sleep(2)
    lat = {name: [] for name in watchers}
    lat["shell-out"] = []
    pos = {name: len(w.lines) for name, w in watchers.items()}
    epos = len(rec.events)
    for i in range(0 if a.memory_only else a.regrades):
        value, status = ("other", "fail") if i % 2 == 0 else ("web", "pass")
        subprocess.run(["kubectl", "-n", "pod-1", "label", "pod", "web", f"app={value}", "--overwrite"], env=kenv, check=True, stdout=subprocess.DEVNULL)
        t_event, epos = rec.wait_for(value, epos)
        for name, w in watchers.items():
            t, pos[name] = w.wait_for(label_is(status), pos[name], timeout=30)
            if t is not None and t_event is not None:
                lat[name].append(t - t_event)
        if i < a.rounds:
            lat["shell-out"].append(timed(shell + ["grade", WATCHED], env=kenv)[0])
        time.sleep(0.5)  # a quiet period between changes, as between a learner's commands
    rec.stop()
    if not a.memory_only:
        print(f"\nre-grade latency, report − API event ({a.regrades} label changes on {WATCHED}):")
    for name, xs in lat.items():
        if xs:
            note = " (no watch: a one-shot grade after the change)" if name == "shell-out" else ""
            print(f"  {name:<10} p50 {ms(percentile(xs, 50))}, p95 {ms(percentile(xs, 95))}, n={len(xs)}{note}")

    left = a.hold - (time.monotonic() - started)
    if left > 0:
        time.sleep(left)
    print(f"\nmemory of `check --watch` on {WATCHED} after {a.hold:.0f} s (MiB):")
    for name, w in watchers.items():
        print(f"  {name:<10} {memory_line(w.rss())}")
    for w in watchers.values():
        w.stop()
    print_tui_memory(ours, tmp, kubeconfig, a.tui_hold, f"lab {a.lab_name}", a.state_dir)
    if a.memory_only:
        print(f"\nload average at end {os.getloadavg()[0]:.1f}")
        shutil.rmtree(tmp, ignore_errors=True)
        return

    # Idle API requests of a watch, through kubectl proxy and a counting proxy.
    kport = free_port()
    kp = subprocess.Popen(["kubectl", "proxy", f"--port={kport}", "--accept-hosts=.*"], env=kenv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1.5)
    proxy = CountingProxy(kport)
    threading.Thread(target=proxy.serve_forever, daemon=True).start()
    pkc = os.path.join(tmp, "proxy.kubeconfig")
    with open(pkc, "w") as f:
        f.write(f"""apiVersion: v1
kind: Config
clusters: [{{name: bench, cluster: {{server: "http://127.0.0.1:{proxy.server_address[1]}"}}}}]
users: [{{name: bench, user: {{}}}}]
contexts: [{{name: bench, context: {{cluster: bench, user: bench}}}}]
current-context: bench
""")
    print(f"\nAPI requests of `check --watch` while idle ({a.idle:.0f} s, after it settled):")
    for c in ours:
        w = Watcher([c.binary, "--kubeconfig", pkc, "--allow-foreign-cluster", "check", "--watch", "--json", WATCHED])
        w.wait_for(lambda r: True, 0)
        time.sleep(5)
        n0 = len(proxy.requests)
        time.sleep(a.idle)
        n = len(proxy.requests) - n0
        w.stop()
        print(f"  {c.name:<10} {n} requests ({n / a.idle * 60:.1f}/min)")
        for _, method, path in proxy.requests[n0:n0 + n][:5]:
            print(f"    {method} {path}")
    print(f"  {'shell-out':<10} none while idle (it runs only when asked: one kubectl get per check, a probe pod per HTTP check)")
    proxy.shutdown()
    kp.kill()
    print(f"\nload average at end {os.getloadavg()[0]:.1f}")
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
