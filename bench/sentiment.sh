#!/usr/bin/env bash
# Accuracy of the Sentiment module (docs/SENTIMENT.md) on the human-rated ground truth of
# Hutto & Gilbert (2014, ICWSM): 4,200 tweets + 3,708 Amazon review snippets, mean rating
# > 0.5 positive, < -0.5 negative, else neutral (7,897 rows after dropping duplicate texts).
#
#   bash bench/sentiment.sh                      # fetch the data, run the evaluation
#   DATASET=/path/dataset.csv bash bench/sentiment.sh   # use an existing CSV (label,text)
#   TUNE=1 bash bench/sentiment.sh               # also re-run the weight search (tuning rows only)
#   SCRATCH=/tmp/x bash bench/sentiment.sh       # build directory (default /tmp/sentiment-build)
#
# The dataset is NOT in the repository (the rights to the review and tweet texts are unclear):
# it is fetched at run time with `pip download` (the vaderSentiment 3.3.2 source distribution
# from PyPI, MIT licence) and converted by bench/sentiment_eval/build_dataset.py into a
# temporary directory. Prints held-out (every 5th row) and whole-set figures for the scorer,
# a majority-class baseline and a plain lexicon-sum baseline. Needs python3, pip and swift.
set -euo pipefail
cd "$(dirname "$0")/.."
SCRATCH="${SCRATCH:-/tmp/sentiment-build}"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/tandem-sentiment.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

if [[ -z "${DATASET:-}" ]]; then
    echo "sentiment: fetching vaderSentiment==3.3.2 sdist from PyPI…" >&2
    python3 -m pip download --quiet --no-deps --no-binary :all: --dest "$WORK/dl" vaderSentiment==3.3.2 >&2
    sdist="$(ls "$WORK"/dl/vaderSentiment-3.3.2.tar.gz)"
    tar -xzf "$sdist" -C "$WORK" vaderSentiment-3.3.2/additional_resources/hutto_ICWSM_2014.tar.gz
    DATASET="$WORK/dataset.csv"
    python3 bench/sentiment_eval/build_dataset.py \
        "$WORK/vaderSentiment-3.3.2/additional_resources/hutto_ICWSM_2014.tar.gz" "$DATASET"
fi
[[ -s "$DATASET" ]] || { echo "sentiment: dataset $DATASET is missing or empty" >&2; exit 1; }

filter="SentimentEvaluation"
if [[ -n "${TUNE:-}" ]]; then
    export TANDEM_SENTIMENT_TUNE=1
    filter="SentimentTuning|SentimentEvaluation"
fi
echo "sentiment: swift test --filter '$filter' (scratch $SCRATCH)…" >&2
log="$WORK/test.log"
status=0
TANDEM_SENTIMENT_DATASET="$DATASET" swift test --scratch-path "$SCRATCH" --filter "$filter" >"$log" 2>&1 || status=$?
# Print the figures (lines written by the tests themselves) and the test verdicts.
grep -E '^(tuning on [0-9]|round [0-9]|best )' "$log" || true
sed -n '/^== Sentiment evaluation/,/^Held-out ratios/p' "$log"
grep -E '^(✘|✔ Test run|✘ Test run)' "$log" || true
if [[ $status -ne 0 ]]; then
    echo "sentiment: swift test failed (exit $status); last lines of the log:" >&2
    tail -40 "$log" >&2
fi
exit $status
