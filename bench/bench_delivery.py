"""Measure build_delivery for RSA-2048, RSA-4096 and ECDSA P-256 keys.

Run from the repository root:

    .venv/bin/python bench/bench_delivery.py [--runs N] [--rounds R]

For each key it prints the median and range of the wall time of
build_delivery over N runs (default 5) at R PBKDF2 rounds. R defaults to
600,000, the production value. It also prints the tracemalloc peak of one
run, which counts Python allocations only and not OpenSSL's own buffers, and
the median time of each step: key generation, CSR signing, key encryption
(PBKDF2 plus AES) and the AES ZIP. RSA key generation time varies a lot
between runs because it searches for random primes, so read its range as
well as its median.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import platform
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPOSITORY))

from cryptography import __version__ as cryptography_version  # noqa: E402
from cryptography.hazmat.backends.openssl import backend  # noqa: E402
from cryptography.hazmat.primitives import serialization  # noqa: E402

from helpdesk.csr import CsrRequest, build_delivery  # noqa: E402
from helpdesk.csr.builder import build_csr  # noqa: E402
from helpdesk.csr.keys import generate_private_key  # noqa: E402
from helpdesk.csr.packaging import (  # noqa: E402
    DEFAULT_KDF_ROUNDS,
    build_zip,
    encrypt_private_key,
)

# A benchmark-only passphrase; it is not on the common-password list.
PASSPHRASE = "bench orchid 4417 lantern"  # noqa: S105
REQUEST = CsrRequest(
    country="KR",
    state="Seoul",
    locality="Gangnam-gu",
    organization="Example Co., Ltd.",
    organizational_unit="",
    common_name="www.example.co.kr",
    email_address="",
    key_type="RSA",
    key_size=2048,
    add_www_variant=True,
)
KEYS = [("RSA", 2048), ("RSA", 4096), ("EC", 256)]


def time_call(function, *args, **kwargs) -> tuple[float, object]:
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return time.perf_counter() - start, result


def measure_steps(request: CsrRequest, rounds: int) -> dict[str, float]:
    """Return the seconds each step of one delivery takes."""
    secret = PASSPHRASE.encode()
    keygen, private_key = time_call(
        generate_private_key, request.key_type, request.key_size
    )
    signing, csr = time_call(build_csr, request, private_key)
    encryption, encrypted = time_call(encrypt_private_key, private_key, secret, rounds)
    csr_pem = csr.public_bytes(serialization.Encoding.PEM)
    packing, _ = time_call(build_zip, "www.example.co.kr", csr_pem, encrypted, secret)
    return {
        "key generation": keygen,
        "CSR signing": signing,
        "key encryption": encryption,
        "ZIP": packing,
    }


def measure_peak(request: CsrRequest, rounds: int) -> int:
    tracemalloc.start()
    build_delivery(request, PASSPHRASE, kdf_rounds=rounds)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def describe_machine() -> str:
    return (
        f"{platform.processor() or platform.machine()}, "
        f"{_cpu_model()}, {_cpu_count()} CPUs; {platform.system()} "
        f"{platform.release()}; Python {platform.python_version()}; "
        f"cryptography {cryptography_version} with {backend.openssl_version_text()}"
    )


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown CPU"


def _cpu_count() -> int:
    return os.cpu_count() or 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per key (default 5)")
    parser.add_argument(
        "--rounds",
        type=int,
        default=DEFAULT_KDF_ROUNDS,
        help="PBKDF2 rounds for the key (default 600000)",
    )
    args = parser.parse_args()

    print(f"Machine: {describe_machine()}")
    print(f"PBKDF2 rounds: {args.rounds:,}; runs per key: {args.runs}")
    print()
    print(
        "| Key | build_delivery median (min-max) | tracemalloc peak | steps (median) |"
    )
    print("|---|---|---|---|")
    for key_type, key_size in KEYS:
        request = dataclasses.replace(REQUEST, key_type=key_type, key_size=key_size)
        totals = [
            time_call(build_delivery, request, PASSPHRASE, kdf_rounds=args.rounds)[0]
            for _ in range(args.runs)
        ]
        steps = [measure_steps(request, args.rounds) for _ in range(args.runs)]
        peak = measure_peak(request, args.rounds)
        step_text = ", ".join(
            f"{name} {statistics.median(run[name] for run in steps):.3f} s"
            for name in steps[0]
        )
        print(
            f"| {key_type}-{key_size} | {statistics.median(totals):.3f} s "
            f"({min(totals):.3f}-{max(totals):.3f}) | {peak / 1024:.0f} KiB | "
            f"{step_text} |"
        )


if __name__ == "__main__":
    main()
