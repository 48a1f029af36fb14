"""A small HTTP client for mt-serve's checks and benchmarks (Python's standard library only)."""
import http.client
import json


def request(port, method, path, body=None, headers=None, timeout=60):
    """(status, headers dict with lower-case names, body bytes); body: bytes, str or a JSON value."""
    if body is not None and not isinstance(body, (bytes, str)):
        body = json.dumps(body)
        headers = {"Content-Type": "application/json", **(headers or {})}
    if isinstance(body, str):
        body = body.encode("utf-8")
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        r = conn.getresponse()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
    finally:
        conn.close()


def post_json(port, path, value, timeout=60):
    """(status, decoded JSON body)."""
    status, _, body = request(port, "POST", path, value, timeout=timeout)
    return status, json.loads(body)
