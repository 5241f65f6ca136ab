"""What the bench's Python clients share (stdlib only): one keep-alive HTTP connection, opened
again if the server closes it, and a process's memory from /proc."""

import http.client
import urllib.parse


class Client:
    """One keep-alive connection to `origin` (http://host:port), opened again if the server
    closes it."""

    def __init__(self, origin):
        base = urllib.parse.urlsplit(origin) if isinstance(origin, str) else origin
        self.host, self.port = base.hostname, base.port or 80
        self.connection = None

    def get(self, path, headers=None):
        """GET `path`: the status, the Cache-Control header and the body, read in full so the
        connection can be reused. A connection the server closed is retried once."""
        for attempt in range(2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection(self.host, self.port, timeout=30)
            try:
                self.connection.request("GET", path, headers=headers or {})
                response = self.connection.getresponse()
                body = response.read()
                if response.getheader("Connection", "").lower() == "close":
                    self.close()
                return response.status, response.getheader("Cache-Control", ""), body
            except (http.client.HTTPException, OSError):
                self.close()
                if attempt == 1:
                    raise
        raise AssertionError("unreachable")

    def close(self):
        if self.connection is not None:
            self.connection.close()
            self.connection = None


def rss_kib(pid, field="VmRSS"):
    """`field` (VmRSS, VmHWM) of process `pid` from /proc, in KiB."""
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"no {field} for process {pid}")
