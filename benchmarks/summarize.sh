#!/usr/bin/env bash
# Prints a JMH JSON result (-rf json -rff FILE) as: benchmark, params, mean, median, best, unit. The median and
# the best are robust on a shared, noisy machine, where other processes only ever make an iteration slower.
# For throughput "best" is the highest iteration, for times the lowest (sample-time: the fastest single call).
# Needs jq.
set -euo pipefail
jq -r '.[] | .primaryMetric as $m
  | [ (.benchmark | sub("^dev\\.accesspass\\.benchmarks\\."; "")),
      ((.params // {}) | to_entries | map("\(.key)=\(.value)") | join(",")),
      ($m.score | tostring),
      ($m.scorePercentiles["50.0"] | tostring),
      (if .mode == "thrpt" then $m.scorePercentiles["100.0"] else $m.scorePercentiles["0.0"] end | tostring),
      $m.scoreUnit ] | @tsv' "$1" \
| awk -F'\t' 'BEGIN { printf "%-52s %-18s %14s %14s %14s %s\n", "benchmark", "params", "mean", "median", "best", "unit" }
  { printf "%-52s %-18s %14.3f %14.3f %14.3f %s\n", $1, $2, $3, $4, $5, $6 }'
