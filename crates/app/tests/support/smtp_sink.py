"""A local SMTP server for tests: stores every message it receives as OUTDIR/<n>.eml.

Usage: python3 smtp_sink.py PORT OUTDIR. Prints "ready" once listening. Needs aiosmtpd.
"""
import pathlib
import sys
import time

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, outdir: pathlib.Path):
        self.outdir = outdir
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        header = "X-Envelope-To: " + ", ".join(envelope.rcpt_tos) + "\r\n"
        (self.outdir / f"{self.count}.eml").write_bytes(header.encode() + envelope.original_content)
        return "250 Message accepted for delivery"


def main() -> None:
    port, outdir = int(sys.argv[1]), pathlib.Path(sys.argv[2])
    outdir.mkdir(parents=True, exist_ok=True)
    controller = Controller(Sink(outdir), hostname="127.0.0.1", port=port)
    controller.start()
    print("ready", flush=True)
    try:
        while True:
            time.sleep(1)
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
