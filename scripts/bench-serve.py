"""Load and fault runs against a running mt-serve, from this second process (asyncio,
Python's standard library only), on 127.0.0.1 only.

  load:  each line of --input as a single-sentence POST /translate, at each concurrency of
         --concurrency, each client keeping its connection alive while the server does
         (--new-connections: a new one per request); prints sentences/s, p50/p95/p99
         latency, the connections opened and this client's own CPU time, and checks
         every answer against --expected (mt-translate's lines).
  fault: --requests requests at --concurrency, mixing valid requests (checked against
         --expected, each answer against its own lines), every kind of bad input (checked
         for its status and one-line {"error"}), and clients that disconnect mid-request;
         bounded by --seconds. Exits 1 on any wrong answer or if the server stops answering.
"""
import argparse
import asyncio
import json
import random
import sys
import time


async def http(port, method, path, body=b"", headers=(), timeout=120, drop_after=None):
    """(status, headers, body) over a new connection; with drop_after, close after that many
    seconds without reading (a client going away) and return None."""
    reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), timeout)
    try:
        head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: {len(body)}\r\n"
        head += "".join(f"{k}: {v}\r\n" for k, v in headers) + "\r\n"
        writer.write(head.encode() + body)
        await writer.drain()
        if drop_after is not None:
            await asyncio.sleep(drop_after)
            return None
        raw = await asyncio.wait_for(reader.read(), timeout)
    finally:
        writer.close()
    head, _, content = raw.partition(b"\r\n\r\n")
    status, hdrs = parse_head(head)
    if hdrs.get("transfer-encoding") == "chunked":
        out, rest = b"", content
        while rest:
            size, _, rest = rest.partition(b"\r\n")
            n = int(size, 16)
            if n == 0:
                break
            out, rest = out + rest[:n], rest[n + 2:]
        content = out
    return status, hdrs, content


def parse_head(head):
    lines = head.decode("latin-1").split("\r\n")
    return int(lines[0].split(" ")[1]), {k.lower(): v.strip() for k, _, v in (l.partition(":") for l in lines[1:])}


class KeptAlive:
    """One HTTP/1.1 connection reused for request after request, as an application's client
    (a requests.Session, a browser) keeps it."""

    def __init__(self, port):
        self.port, self.reader, self.writer, self.opened = port, None, None, 0

    async def request(self, method, path, body=b"", headers=(), timeout=120):
        if self.writer is None:
            self.reader, self.writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", self.port), timeout)
            self.opened += 1
        head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {len(body)}\r\n"
        head += "".join(f"{k}: {v}\r\n" for k, v in headers) + "\r\n"
        self.writer.write(head.encode() + body)
        await self.writer.drain()
        status, hdrs = parse_head((await asyncio.wait_for(self.reader.readuntil(b"\r\n\r\n"), timeout))[:-4])
        if hdrs.get("transfer-encoding") == "chunked":
            content = b""
            while True:
                n = int((await asyncio.wait_for(self.reader.readuntil(b"\r\n"), timeout))[:-2].split(b";")[0], 16)
                chunk = await asyncio.wait_for(self.reader.readexactly(n + 2), timeout)
                if n == 0:
                    break
                content += chunk[:-2]
        else:
            content = await asyncio.wait_for(self.reader.readexactly(int(hdrs.get("content-length", "0"))), timeout)
        if hdrs.get("connection", "").lower() == "close":
            self.close()
        return status, hdrs, content

    def close(self):
        if self.writer is not None:
            self.writer.close()
        self.reader, self.writer = None, None


async def batch_histogram(port):
    """The server's histogram of sentences per search batch (GET /metrics): cumulative
    counts by upper bound, the sum and the count."""
    _, _, body = await http(port, "GET", "/metrics")
    buckets, total, count = {}, 0.0, 0
    for line in body.decode().split("\n"):
        if line.startswith("mtserve_batch_sentences_bucket{"):
            le = line.split('le="', 1)[1].split('"', 1)[0]
            buckets[le] = int(float(line.rsplit(" ", 1)[1]))
        elif line.startswith("mtserve_batch_sentences_sum"):
            total = float(line.rsplit(" ", 1)[1])
        elif line.startswith("mtserve_batch_sentences_count"):
            count = int(float(line.rsplit(" ", 1)[1]))
    return {"buckets": buckets, "sum": total, "count": count}


def translate_body(q, **extra):
    return json.dumps({"q": q, **extra}).encode()


JSON = (("Content-Type", "application/json"),)


def percentile(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


async def load(port, lines, expected, concurrency, keep_alive):
    latencies, wrong, opened = [], 0, 0
    next_line = 0

    async def client():
        nonlocal next_line, wrong, opened
        connection = KeptAlive(port)
        try:
            while next_line < len(lines):
                i = next_line
                next_line += 1
                start = time.perf_counter()
                if keep_alive:
                    status, _, body = await connection.request("POST", "/translate", translate_body(lines[i]), JSON)
                else:
                    status, _, body = await http(port, "POST", "/translate", translate_body(lines[i]), JSON)
                latencies.append(time.perf_counter() - start)
                if status != 200 or json.loads(body)["translatedText"] != expected[i]:
                    wrong += 1
        finally:
            connection.close()
            opened += connection.opened if keep_alive else 0

    start, cpu = time.perf_counter(), time.process_time()
    await asyncio.gather(*(client() for _ in range(concurrency)))
    elapsed = time.perf_counter() - start
    return {"concurrency": concurrency, "sentences_per_s": len(lines) / elapsed, "seconds": elapsed,
            "client_cpu_s": time.process_time() - cpu, "keep_alive": keep_alive,
            "connections": opened if keep_alive else len(lines),
            "p50_ms": 1000 * percentile(latencies, 50), "p95_ms": 1000 * percentile(latencies, 95),
            "p99_ms": 1000 * percentile(latencies, 99), "mean_ms": 1000 * sum(latencies) / len(latencies), "wrong": wrong}


def fault_cases(lines, expected, limits):
    """(name, weight, make) where make(rng) gives (method, path, body, headers, check, drop_after)."""
    max_sentences, max_characters, max_body = limits

    def error(status, fragment):
        def check(s, h, b):
            try:
                m = json.loads(b)["error"]
            except Exception:
                return False
            return s == status and isinstance(m, str) and "\n" not in m and fragment in m
        return check

    def valid_single(rng):
        i = rng.randrange(len(lines))
        return ("POST", "/translate", translate_body(lines[i]), JSON,
                lambda s, h, b: s == 200 and json.loads(b)["translatedText"] == expected[i], None)

    def valid_batch(rng):
        idx = [rng.randrange(len(lines)) for _ in range(rng.randint(2, 6))]
        return ("POST", "/translate", translate_body([lines[i] for i in idx]), JSON,
                lambda s, h, b: s == 200 and json.loads(b)["translatedText"] == [expected[i] for i in idx], None)

    def valid_opennmt(rng):
        idx = [rng.randrange(len(lines)) for _ in range(rng.randint(1, 3))]
        body = json.dumps([{"src": lines[i]} for i in idx]).encode()
        return ("POST", "/translator/translate", body, JSON,
                lambda s, h, b: s == 200 and [r["tgt"] for r in json.loads(b)[0]] == [expected[i] for i in idx], None)

    def fixed(method, path, body, headers, check):
        return lambda rng: (method, path, body, headers, check, None)

    def disconnect(rng):
        i = rng.randrange(len(lines))
        return ("POST", "/translate", translate_body([lines[i], lines[(i + 1) % len(lines)]]), JSON, None, rng.uniform(0, 0.05))

    return [
        ("valid single", 30, valid_single), ("valid batch", 10, valid_batch), ("valid OpenNMT-py", 5, valid_opennmt),
        ("disconnect", 10, disconnect),
        ("invalid JSON", 3, fixed("POST", "/translate", b'{"q": [', JSON, error(400, "not valid JSON"))),
        ("wrong type", 3, fixed("POST", "/translate", b'{"q": {"a": 1}}', JSON, error(400, "q must be"))),
        ("missing q", 3, fixed("POST", "/translate", b'{"source": "de"}', JSON, error(400, "missing q"))),
        ("unknown model", 3, fixed("POST", "/translate", translate_body("a", options={"model": "nope"}), JSON, error(404, "unknown model"))),
        ("unsupported language", 3, fixed("POST", "/translate", json.dumps({"q": "a", "source": "xx", "target": "yy"}).encode(), JSON,
                                          error(400, "no model translates"))),
        ("invalid UTF-8", 3, fixed("POST", "/translate", b'{"q": "\xc3\x28"}', JSON, error(400, "not valid UTF-8"))),
        ("html", 2, fixed("POST", "/translate", translate_body("<p>a</p>", format="html"), JSON, error(400, "html"))),
        ("too many sentences", 3, fixed("POST", "/translate", translate_body(["a"] * (max_sentences + 1)), JSON,
                                        error(400, "max_sentences"))),
        ("too many characters", 3, fixed("POST", "/translate", translate_body("a" * (max_characters + 1)), JSON,
                                         error(400, "max_characters"))),
        ("body too large", 3, fixed("POST", "/translate", b" " * (max_body + 1), JSON, error(413, "max_body_bytes"))),
        ("bad option", 3, fixed("POST", "/translate", translate_body("a", options={"beam_size": -1}), JSON, error(400, "beam size"))),
        ("bad OpenNMT-py", 3, fixed("POST", "/translator/translate", b'[{"src": 1}]', JSON, error(400, "src"))),
        ("unknown route", 2, fixed("GET", "/nope", b"", (), error(404, "no route"))),
        ("content type", 2, fixed("POST", "/translate", b"q=a", (("Content-Type", "text/csv"),), error(415, "content type"))),
        ("health", 2, fixed("GET", "/health", b"", (), lambda s, h, b: s == 200)),
    ]


async def fault(port, lines, expected, limits, requests, concurrency, seconds, seed):
    rng = random.Random(seed)
    cases = fault_cases(lines, expected, limits)
    names = [c[0] for c in cases]
    plan = rng.choices(range(len(cases)), weights=[c[1] for c in cases], k=requests)
    counts = {n: [0, 0] for n in names}   # sent, wrong
    busy = [0]   # 503s (queue full) are right answers under load, counted apart
    deadline = time.time() + seconds
    next_request = 0

    async def client():
        nonlocal next_request
        while next_request < len(plan) and time.time() < deadline:
            k = plan[next_request]
            case_rng = random.Random(seed * 1_000_003 + next_request)
            next_request += 1
            method, path, body, headers, check, drop = cases[k][2](case_rng)
            counts[names[k]][0] += 1
            try:
                r = await http(port, method, path, body, headers, drop_after=drop)
            except (ConnectionError, asyncio.TimeoutError, OSError) as e:
                counts[names[k]][1] += 1
                print(f"fault: {names[k]}: {type(e).__name__} {e}", file=sys.stderr)
                continue
            if r is None:
                continue
            status, hdrs, content = r
            if status == 503 and hdrs.get("retry-after") and check is not None and names[k].startswith("valid"):
                busy[0] += 1
                continue
            if not check(status, hdrs, content):
                counts[names[k]][1] += 1
                if counts[names[k]][1] <= 3:
                    print(f"fault: wrong answer to {names[k]}: {status} {content[:200]!r}", file=sys.stderr)

    start = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(concurrency)))
    elapsed = time.perf_counter() - start
    status, _, _ = await http(port, "GET", "/health", timeout=10)
    return {"requests": sum(c[0] for c in counts.values()), "seconds": elapsed, "wrong": sum(c[1] for c in counts.values()),
            "busy_503": busy[0], "healthy_after": status == 200, "by_kind": counts}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["load", "fault"])
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--input", required=True)
    ap.add_argument("--expected", required=True)
    ap.add_argument("--concurrency", default="1,8,64")
    ap.add_argument("--requests", type=int, default=10000)
    ap.add_argument("--seconds", type=float, default=900)
    ap.add_argument("--limits", default="128,20000,1048576", help="max_sentences,max_characters,max_body_bytes of the server")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--new-connections", action="store_true", help="load: a new connection per request, not one kept alive per client")
    a = ap.parse_args()
    lines = open(a.input, encoding="utf-8").read().split("\n")[:-1]
    expected = open(a.expected, encoding="utf-8").read().split("\n")[:-1]
    assert len(lines) == len(expected), "input and expected differ in length"
    if a.mode == "load":
        for c in map(int, a.concurrency.split(",")):
            before = asyncio.run(batch_histogram(a.port))
            row = asyncio.run(load(a.port, lines, expected, c, not a.new_connections))
            after = asyncio.run(batch_histogram(a.port))
            # This level's batches alone: the histogram counts since the server started.
            counts = {le: after["buckets"][le] - before["buckets"].get(le, 0) for le in after["buckets"]}
            row["batches"] = after["count"] - before["count"]
            row["mean_batch"] = (after["sum"] - before["sum"]) / max(1, row["batches"])
            row["batch_buckets"] = counts
            print(json.dumps(row), flush=True)
        return 0
    r = asyncio.run(fault(a.port, lines, expected, tuple(map(int, a.limits.split(","))), a.requests, int(a.concurrency.split(",")[-1]),
                          a.seconds, a.seed))
    print(json.dumps(r))
    return 0 if r["wrong"] == 0 and r["healthy_after"] and r["requests"] == a.requests else 1


if __name__ == "__main__":
    sys.exit(main())
