"""python -m nianbao.demo.sample_site [--port 0] [--replicas N]: serve the sample portals on 127.0.0.1."""
from __future__ import annotations

import argparse
import sys
import time

from nianbao.demo.sample_site import sample_site


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--replicas", type=int, default=1, help="clone every portal N times (benchmarks)")
    args = ap.parse_args(argv)
    with sample_site(port=args.port, replicas=args.replicas) as site:
        print(site.base_url, flush=True)
        print(f"registry: {site.registry_path} (NIANBAO_SAMPLE_BASE={site.base_url})", file=sys.stderr, flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
