#!/usr/bin/python3
"""Our inference-core timings beside the peers' (ONNX Runtime, PyTorch) from the same `make bench`.

Usage: compare_peers.py OUR_RESULTS PEERS_RESULTS_DIR [FMA_PEAK_GFLOPS]
OUR_RESULTS holds bench_extractor's "RESULT {json}" lines; PEERS_RESULTS_DIR is where
../shared/bench/peers/run.sh left torch_*.json and ort_*.json.  Prints a markdown table of
median ms/image per engine, and each peer's time divided by ours (> 1: we are faster).
"""
import glob
import json
import os
import sys

GFLOP = {"resnet18": 2 * 1.814, "vgg16": 2 * 15.35}


def main():
    ours_path, peers_dir = sys.argv[1], sys.argv[2]
    peak = float(sys.argv[3]) if len(sys.argv) > 3 and float(sys.argv[3]) > 0 else None
    ours = {}
    with open(ours_path) as f:
        for line in f:
            if line.startswith("RESULT "):
                r = json.loads(line[len("RESULT "):])
                ours[(r["model"], r["batch"])] = r["ms_per_image_median"]
    peers = {}
    for p in sorted(glob.glob(os.path.join(peers_dir, "ort_*.json")) + glob.glob(os.path.join(peers_dir, "torch_*.json"))):
        with open(p) as f:
            for r in json.load(f):
                name = f"{r['engine']} {r['variant']}"
                if r.get("env", {}).get("GLIBC_TUNABLES"):
                    name += " +heap"
                peers.setdefault(name, {})[(r["model"], r["batch"])] = r["ms_per_image_median"]
    engines = sorted(peers)
    print("## solemate-extractor vs peers, same run: median ms/image (peer / ours: > 1 means we are faster)")
    head = "| model | batch | ours ms/img | ours GFLOP/s | " + " | ".join(engines) + " |"
    print(head)
    print("|" + "---|" * (4 + len(engines)))
    for (model, batch), ms in sorted(ours.items()):
        if model not in GFLOP:
            continue
        gf = GFLOP[model] * 1000 / ms
        gcell = f"{gf:.0f}" + (f" ({100 * gf / peak:.0f}% FMA)" if peak else "")
        cells = []
        for e in engines:
            p = peers[e].get((model, batch))
            cells.append(f"{p:.2f} ({p / ms:.2f}x)" if p else "-")
        print(f"| {model} | {batch} | {ms:.2f} | {gcell} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
