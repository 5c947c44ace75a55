#!/usr/bin/python3
"""The playground server under a long run and under many runs, measured through its HTTP API.

Usage: bench/peers/playground_soak.py BACKPROP_DLL memory SECONDS   # one run playing; the server's memory every 10 s
       bench/peers/playground_soak.py BACKPROP_DLL runs COUNT SECONDS # COUNT runs playing at once; frames and snapshot latency

Starts `dotnet BACKPROP_DLL playground --port P` itself (a free port on 127.0.0.1), creates runs
with the issue's workload (six hidden layers of 8, all seven features, spiral, 500 points), presses
play, reads each run's frame stream (Server-Sent Events) as a page would, and prints one JSON
object. Standard library only; nothing leaves the machine.
"""
import json, os, socket, subprocess, sys, threading, time, urllib.request

SETTINGS = {"dataset": "spiral", "hidden": [8, 8, 8, 8, 8, 8], "points": 500,
            "features": ["x1", "x2", "x1sq", "x2sq", "x1x2", "sinx1", "sinx2"]}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def post(base, path, body=None):
    data = json.dumps(body).encode() if body is not None else b""
    req = urllib.request.Request(base + path, data=data, method="POST", headers={"content-type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read() or b"null")


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


class FrameReader(threading.Thread):
    """Reads one run's SSE stream, counting frames and their sizes, until stopped."""

    def __init__(self, base, run_id):
        super().__init__(daemon=True)
        self.url = f"{base}/api/runs/{run_id}/frames"
        self.frames, self.largest, self.stop = 0, 0, False

    def run(self):
        with urllib.request.urlopen(self.url, timeout=30) as stream:
            for raw in stream:
                if self.stop:
                    return
                line = raw.decode()
                if line.startswith("data:"):
                    self.frames += 1
                    self.largest = max(self.largest, len(raw))


def main():
    dll, mode = sys.argv[1], sys.argv[2]
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(["dotnet", dll, "playground", "--port", str(port)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(base + "/", timeout=1).read()
                break
            except OSError:
                time.sleep(0.1)
        time.sleep(3)  # the server warms its JIT in the background at start
        if mode == "memory":
            seconds = int(sys.argv[3])
            run = post(base, "/api/runs", SETTINGS)["id"]
            reader = FrameReader(base, run)
            reader.start()
            post(base, f"/api/runs/{run}/play")
            samples, start = [], time.time()
            while time.time() - start < seconds:
                samples.append((round(time.time() - start), round(rss_mb(server.pid), 1)))
                time.sleep(10)
            snapshot = json.loads(urllib.request.urlopen(f"{base}/api/runs/{run}", timeout=30).read())
            reader.stop = True
            later = [mb for t, mb in samples if t >= 60]
            print(json.dumps({"seconds": seconds, "epochs": snapshot.get("epoch"), "frames": reader.frames,
                              "framesPerSecond": round(reader.frames / seconds, 1), "largestFrameBytes": reader.largest,
                              "rssMbAfter1Min": later[0] if later else None, "rssMbEnd": samples[-1][1],
                              "rssMbMaxAfter1Min": max(later) if later else None, "rssMbMinAfter1Min": min(later) if later else None,
                              "samples": samples}))
        else:
            count, seconds = int(sys.argv[3]), int(sys.argv[4])
            runs = [post(base, "/api/runs", SETTINGS)["id"] for _ in range(count)]
            readers = [FrameReader(base, r) for r in runs]
            for r in readers:
                r.start()
            for r in runs:
                post(base, f"/api/runs/{r}/play")
            latencies, start = [], time.time()
            while time.time() - start < seconds:
                t0 = time.time()
                urllib.request.urlopen(f"{base}/api/runs/{runs[len(latencies) % count]}", timeout=30).read()
                latencies.append((time.time() - t0) * 1000)
                time.sleep(0.2)
            epochs = [json.loads(urllib.request.urlopen(f"{base}/api/runs/{r}", timeout=30).read()).get("epoch") for r in runs]
            for r in readers:
                r.stop = True
            latencies.sort()
            print(json.dumps({"runs": count, "seconds": seconds, "epochs": epochs,
                              "framesPerSecondEach": [round(r.frames / seconds, 1) for r in readers],
                              "snapshotMsMedian": round(latencies[len(latencies) // 2], 1),
                              "snapshotMsP95": round(latencies[int(len(latencies) * 0.95)], 1),
                              "snapshotMsMax": round(latencies[-1], 1), "rssMb": round(rss_mb(server.pid), 1)}))
    finally:
        server.terminate()
        server.wait(10)


if __name__ == "__main__":
    main()
