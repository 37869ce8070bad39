"""The HTTP service under load, on loopback only, against in-process `decide_many` in the same run.

    python benchmarks/bench_service.py                      # the figures of the closing note
    python benchmarks/bench_service.py --requests 500 --memory-requests 0   # a quick look

Starts `enforcement-rules serve` (a real uvicorn process, access log on, as deployed) on a free
127.0.0.1 port; warms its caches and the in-process decider's with the same facts; then, for
`/v1/decide` (one fact per request) and `/v1/decide_many` (`--batch` facts per request), at each
client count (`--clients`, default 1, 8 and 32 concurrent keep-alive connections), sends
`--requests` requests and prints throughput, decisions per second, p50 and p99 latency and the
ratio of decisions per second to in-process `decide_many`'s. Last, `--memory-requests` requests
to `/v1/decide` (each fact with a distinct `ref`, so every answer is a new object) with the
server's resident memory read from /proc every `--memory-every`: it must stay flat.

The client is a small asyncio HTTP/1.1 client (one connection per client, Content-Length
bodies), so that the client's own cost is small beside the server's: client and server share
the machine's cores, which the figures include. Nothing leaves the machine.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import enforcement_rules as er

HOST = "127.0.0.1"  # loopback only, by construction


def sample(rules: er.RuleSet, count: int, seed: int = 14) -> list[dict[str, Any]]:
    """Varied valid facts of covered kinds, on dates every encoded version covers."""
    draw = random.Random(seed)
    facts = []
    while len(facts) < count:
        fact = {
            "kind": draw.choice(rules.covered_kinds),
            "occurred_on": f"{draw.choice([2010, 2016, 2023, 2025])}-0{draw.randint(1, 9)}-15",
            "sector": draw.choice(er.Sector.codes()),
            "hazard": draw.choice(er.Hazard.codes()),
            "overdue": draw.random() < 0.4,
            "serious": draw.random() < 0.2,
            "correctable_on_site": draw.random() < 0.3,
            "illegal_income_yuan": draw.choice([None, 0, 12_000, 2_500_000]),
        }
        try:
            er.decide(fact, rules=rules)
        except er.EnforcementRulesError:
            continue
        facts.append(fact)
    return facts


# ---------------------------------------------------------------- the server


class Server:
    def __init__(self) -> None:
        command = [
            sys.executable,
            "-m",
            "enforcement_rules",
            "serve",
            "--host",
            HOST,
            "--port",
            "0",
        ]
        command += ["--max-body-bytes", str(16 * 1024 * 1024), "--max-batch", "100000"]
        self.process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
        )
        self.port = 0
        ready = threading.Event()

        def drain() -> None:  # reads the log (access lines included) so the pipe never fills
            assert self.process.stderr is not None
            for line in self.process.stderr:
                if not self.port and '"listening"' in line:
                    self.port = int(json.loads(line)["port"])
                    ready.set()
            ready.set()

        threading.Thread(target=drain, daemon=True).start()
        if not ready.wait(120) or not self.port:
            self.stop()
            raise SystemExit("the server did not start")

    def rss_mib(self) -> float:
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        raise RuntimeError("no VmRSS")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()


# ---------------------------------------------------------------- a lean HTTP/1.1 client


class Connection:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer

    @classmethod
    async def open(cls, port: int) -> Connection:
        reader, writer = await asyncio.open_connection(HOST, port)
        return cls(reader, writer)

    async def post(self, path: str, body: bytes) -> tuple[int, bytes]:
        head = (
            f"POST {path} HTTP/1.1\r\nHost: {HOST}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        ).encode()
        self.writer.write(head + body)
        await self.writer.drain()
        status_line = await self.reader.readline()
        status = int(status_line.split()[1])
        length = 0
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b""):
                break
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        return status, await self.reader.readexactly(length)

    def close(self) -> None:
        self.writer.close()


async def _load(
    port: int, path: str, bodies: Sequence[bytes], clients: int
) -> tuple[float, list[float]]:
    """Send every body (clients share them round-robin); the wall time and each latency."""
    connections = [await Connection.open(port) for _ in range(clients)]
    latencies: list[float] = []
    queue = list(reversed(bodies))

    async def client(connection: Connection) -> None:
        while queue:
            body = queue.pop()
            started = time.perf_counter()
            status, _ = await connection.post(path, body)
            latencies.append(time.perf_counter() - started)
            if status != 200:
                raise SystemExit(f"{path} answered {status}")

    started = time.perf_counter()
    await asyncio.gather(*(client(c) for c in connections))
    elapsed = time.perf_counter() - started
    for connection in connections:
        connection.close()
    return elapsed, latencies


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


# ---------------------------------------------------------------- the run


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=4000, help="per endpoint and client count")
    parser.add_argument("--batch", type=int, default=100, help="facts per decide_many request")
    parser.add_argument("--clients", default="1,8,32", help="concurrent clients, comma-separated")
    parser.add_argument("--facts", type=int, default=500, help="distinct facts in the workload")
    parser.add_argument("--memory-requests", type=int, default=100_000)
    parser.add_argument("--memory-every", type=int, default=10_000)
    args = parser.parse_args(argv)
    clients = [int(n) for n in args.clients.split(",")]

    rules = er.load_rules()
    facts = sample(rules, args.facts)
    decider = er.Decider(rules)
    decider.decide_many(facts)  # warm, as the server will be
    workload = [facts[i % len(facts)] for i in range(max(args.requests, 20_000))]

    def in_process_rate() -> float:
        """Best of three: the machine is shared, the best run is the least disturbed one."""
        best = 0.0
        for _ in range(3):
            started = time.perf_counter()
            decider.decide_many(workload)
            best = max(best, len(workload) / (time.perf_counter() - started))
        return best

    in_process = in_process_rate()
    print(f"in-process decide_many, warm cache: {in_process:,.0f} decisions/s (best of 3)")

    server = Server()
    try:
        print(
            f"server: pid {server.process.pid}, http://{HOST}:{server.port}, "
            f"rules {rules.digest}, python {sys.version.split()[0]}, {os.cpu_count()} CPUs"
        )
        single = [json.dumps(facts[i % len(facts)]).encode() for i in range(args.requests)]
        batches = [
            json.dumps(
                [facts[(i * args.batch + j) % len(facts)] for j in range(args.batch)]
            ).encode()
            for i in range(args.requests)
        ]
        asyncio.run(_load(server.port, "/v1/decide_many", batches[:5], 1))  # warm the server
        asyncio.run(_load(server.port, "/v1/decide", single[:200], 1))
        print()
        print(
            f"{'endpoint':<16}{'clients':>8}{'requests':>10}{'req/s':>10}{'decisions/s':>13}"
            f"{'p50 ms':>9}{'p99 ms':>9}{'ratio to in-process':>21}"
        )
        for path, bodies, per_request in (
            ("/v1/decide", single, 1),
            ("/v1/decide_many", batches, args.batch),
        ):
            for count in clients:
                elapsed, latencies = asyncio.run(_load(server.port, path, bodies, count))
                rate = len(bodies) / elapsed
                decisions = rate * per_request
                p50, p99 = (percentile(latencies, q) * 1000 for q in (0.5, 0.99))
                print(
                    f"{path:<16}{count:>8}{len(bodies):>10}{rate:>10,.0f}{decisions:>13,.0f}"
                    f"{p50:>9.2f}{p99:>9.2f}{decisions / in_process:>21.3f}"
                )
        if args.memory_requests:
            print()
            print(
                f"server memory over {args.memory_requests:,} /v1/decide requests (8 clients, "
                "a distinct ref each):"
            )
            readings = [(0, server.rss_mib())]
            done = 0
            while done < args.memory_requests:
                step = min(args.memory_every, args.memory_requests - done)
                bodies = [
                    json.dumps({**facts[(done + i) % len(facts)], "ref": f"m-{done + i}"}).encode()
                    for i in range(step)
                ]
                asyncio.run(_load(server.port, "/v1/decide", bodies, 8))
                done += step
                readings.append((done, server.rss_mib()))
            print("  " + "; ".join(f"{n:,}: {rss:.1f} MiB" for n, rss in readings))
            after_warmup = [rss for _, rss in readings[1:]]
            growth = after_warmup[-1] - after_warmup[0]
            spread = statistics.pstdev(after_warmup) if len(after_warmup) > 1 else 0.0
            print(
                f"  growth from the first reading after warm-up to the last: {growth:+.1f} MiB "
                f"(spread {spread:.1f} MiB)"
            )
    finally:
        server.stop()
    again = in_process_rate()
    print(
        f"\nin-process decide_many again, after the load: {again:,.0f} decisions/s "
        f"({again / in_process:.2f} of the first)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
