#!/usr/bin/env python3
"""Build the labelled evaluation CSV for Tandem's sentiment scorer.

Input: the hutto_ICWSM_2014.tar.gz archive shipped in the vaderSentiment 3.3.2
source distribution (additional_resources/), i.e. the human-rated ground truth
of Hutto & Gilbert (2014), "VADER: A Parsimonious Rule-based Model for
Sentiment Analysis of Social Media Text", ICWSM-14.

Output: CSV with header `label,text` (UTF-8, RFC 4180 quoting), rows in a fixed
order: tweets first, then Amazon review snippets, each in file order; texts
that already appeared are dropped (first occurrence wins).

Label mapping of the mean human rating (scale -4..+4):
    mean > 0.5  -> positive
    mean < -0.5 -> negative
    otherwise   -> neutral

The text is copied unchanged (HTML entities and anonymised tokens included).
The output is for local evaluation only; it is not committed to the repository.
"""
import csv
import sys
import tarfile

SOURCES = [
    "hutto_ICWSM_2014/tweets_GroundTruth.txt",
    "hutto_ICWSM_2014/amazonReviewSnippets_GroundTruth.txt",
]
THRESHOLD = 0.5


def label_for(mean: float) -> str:
    if mean > THRESHOLD:
        return "positive"
    if mean < -THRESHOLD:
        return "negative"
    return "neutral"


def rows_from(archive: tarfile.TarFile, member: str):
    handle = archive.extractfile(member)
    if handle is None:
        raise SystemExit(f"missing {member} in archive")
    raw = handle.read().decode("utf-8", errors="replace")
    for number, line in enumerate(raw.splitlines(), start=1):
        line = line.rstrip("\r")
        if not line.strip():
            continue
        parts = line.split("\t", 2)
        if len(parts) != 3:
            raise SystemExit(f"{member}:{number}: expected 3 tab-separated fields")
        _identifier, mean, text = parts
        yield label_for(float(mean)), text.strip()


def main(argv):
    if len(argv) != 3:
        print("usage: build_dataset.py hutto_ICWSM_2014.tar.gz out.csv", file=sys.stderr)
        return 2
    seen = set()
    counts = {"positive": 0, "neutral": 0, "negative": 0}
    with tarfile.open(argv[1], "r:gz") as archive, open(argv[2], "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out, quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
        writer.writerow(["label", "text"])
        for member in SOURCES:
            for label, text in rows_from(archive, member):
                if not text or text in seen:
                    continue
                seen.add(text)
                writer.writerow([label, text])
                counts[label] += 1
    total = sum(counts.values())
    print(f"wrote {total} rows to {argv[2]}: " + ", ".join(f"{k} {v}" for k, v in counts.items()), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
