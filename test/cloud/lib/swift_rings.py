"""Builds one-device, one-replica Swift rings: swift_rings.py DIR KIND:PORT... (e.g. object:6200)."""
import os
import sys

from swift.common.ring import RingBuilder


def build(directory, kind, port):
    builder = RingBuilder(8, 1, 1)
    builder.add_dev({"id": 0, "region": 1, "zone": 1, "ip": "127.0.0.1", "port": port,
                     "device": "d1", "weight": 100, "meta": ""})
    builder.rebalance()
    builder.save(os.path.join(directory, f"{kind}.builder"))
    builder.get_ring().save(os.path.join(directory, f"{kind}.ring.gz"))


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__)
    for entry in argv[2:]:
        kind, port = entry.split(":")
        build(argv[1], kind, int(port))


if __name__ == "__main__":
    main(sys.argv)
