#!/usr/bin/env bash
# `make bench`, extractor part: times our inference core per model and batch size (ms/image,
# images/s, GFLOP/s, % of the fp32 FMA ceiling measured by ../shared/bench/peers/fma_peak.c) and,
# with PEERS=1, runs ../shared/bench/peers/run.sh right after and prints our figures beside ONNX
# Runtime's and PyTorch's from the same run, with ratios.
#
# Usage: run_bench.sh BENCH_BIN FMA_PEAK_BIN TESTDATA_DIR
# Environment: MODELS=resnet18,vgg16,mobilenet BATCHES=1,8,32 MIN_TIME=1 (s per configuration)
#   THREADS=2 PEERS=0|1 (the peers run is heavy: it installs packages; try BATCHES=8 MIN_TIME=2)
#   MODELS_DIR (genuine MobileNet weights) SHARED_DIR (../shared)
set -euo pipefail
bench=${1:?usage: run_bench.sh BENCH_BIN FMA_PEAK_BIN TESTDATA_DIR}
fma_peak=${2:?}
testdata=${3:?}
here=$(cd "$(dirname "$0")" && pwd)
shared=${SHARED_DIR:-$here/../../../shared}
models_dir=${MODELS_DIR:-$shared/models}
MODELS=${MODELS:-resnet18,vgg16,mobilenet}
BATCHES=${BATCHES:-1,8,32}
MIN_TIME=${MIN_TIME:-1}
THREADS=${THREADS:-2}
export OPENBLAS_NUM_THREADS=$THREADS
results=$(dirname "$bench")/extractor_results.txt

echo "== solemate-extractor inference core, $THREADS threads (OpenBLAS $THREADS + our worker pool)"
peak=$("$fma_peak" "$THREADS" | sed -n "s/^RESULT .*\"what\":\"fma\".*\"threads\":$THREADS,\"gflops\":\([0-9.]*\).*/\1/p" | sort -g | tail -1)
echo "fp32 FMA ceiling ($THREADS threads, fma_peak.c): ${peak:-?} GFLOP/s"
echo "GFLOP/s: the model's nominal FLOPs (direct convolution) over the time taken; Winograd layers do"
echo "2.25-4x fewer multiplies, so a figure above 100 % of the FMA ceiling is real, not an error"
: >"$results"
for m in ${MODELS//,/ }; do
    case $m in
    resnet18 | vgg16)
        weights=$testdata/$m.safetensors
        note="(seeded random weights of the right shape: $weights)" ;;
    mobilenet)
        weights=$models_dir/mobilenet_v1_0.75_224.safetensors
        note="(genuine weights)" ;;
    *) echo "run_bench.sh: unknown model $m" >&2; exit 64 ;;
    esac
    "$bench" "$m" "$weights" "$BATCHES" "$MIN_TIME" "${peak:-0}" "$note" | tee -a "$results" | grep -v '^RESULT '
done

if [[ ${PEERS:-0} == 1 ]]; then
    peer_models=$(echo "${MODELS//,/ }" | tr ' ' '\n' | grep -E '^(resnet18|vgg16)$' | paste -sd, || true)
    if [[ -z $peer_models ]]; then
        echo "PEERS=1: the peers time only resnet18 and vgg16"
        exit 0
    fi
    echo
    echo "== peers (../shared/bench/peers/run.sh, MODELS=$peer_models BATCHES=$BATCHES MIN_TIME=$MIN_TIME)"
    MODELS=$peer_models BATCHES=$BATCHES MIN_TIME=$MIN_TIME THREADS=$THREADS bash "$shared/bench/peers/run.sh" \
        >"$(dirname "$bench")/peers.log" 2>&1 || { tail -20 "$(dirname "$bench")/peers.log"; exit 1; }
    echo
    /usr/bin/python3 "$here/compare_peers.py" "$results" "${PEERS_TMP:-/tmp/peers}/results" "${peak:-0}"
fi
