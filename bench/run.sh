#!/usr/bin/env bash
# Throughput benchmark: keywords-backfill `import --format together-batch` against the naive peers,
# on the same generated data and the same local stub of the Keywords AI batch endpoint.
#
#   bench/run.sh [N]            N records (default 200000)
#
# The import runs through bin/keywords-backfill (ParallelGC, unpacked jar with a class-data-sharing archive),
# as a user would; one untimed warm-up import (2,000 records) writes its cache (bench/out/cache) first.
#
# Env: BENCH_RUNS (3)  BENCH_LATENCY_MS ("0 100")  JAVA_OPTS (for the import; default -Xmx256m)  BENCH_PORT (18181)
#      BENCH_SINGLE_CAP (2000, records for the single-log peer without latency)
#      BENCH_SINGLE_CAP_LATENCY (300, records for the single-log peer when latency > 0)
#      BENCH_PEERS (1; 0 = import only, e.g. for the RSS check at 1,000,000)  BENCH_TIMEOUT (1800 s per run)
#      BENCH_FILES (1; F > 1 = the import reads the same records split into F files of a directory, as a year
#      of daily exports; the peers still read the one file)
#      BENCH_JAR (target/keywords-backfill.jar)  BACKFILL_CHUNK_SIZE, BACKFILL_CONCURRENCY,
#      KEYWORDSAI_MAX_BATCH_LOGS are passed through to the import.
#      STUB_JAVA_OPTS (JVM options for the stub, e.g. a profiler agent)
set -euo pipefail
source "$(dirname "$0")/lib.sh"

N="${1:-200000}"
RUNS="${BENCH_RUNS:-3}"
LATENCIES="${BENCH_LATENCY_MS:-0 100}"
PORT="${BENCH_PORT:-18181}"
SINGLE_CAP="${BENCH_SINGLE_CAP:-2000}"
SINGLE_CAP_LAT="${BENCH_SINGLE_CAP_LATENCY:-300}"
PEERS="${BENCH_PEERS:-1}"
TIMEOUT="${BENCH_TIMEOUT:-1800}"
FILES="${BENCH_FILES:-1}"
[[ "$N" =~ ^[0-9]+$ && "$N" -gt 0 ]] || die "N must be a positive integer"
[[ "$RUNS" =~ ^[0-9]+$ && "$RUNS" -gt 0 ]] || die "BENCH_RUNS must be a positive integer"
[[ "$FILES" =~ ^[0-9]+$ && "$FILES" -gt 0 && "$FILES" -le "$N" ]] || die "BENCH_FILES must be from 1 to N"

STAMP="$(date +%Y%m%d-%H%M%S)"
LOGDIR="$OUT/logs/run-$STAMP"
RESULTS="$OUT/results-$STAMP.txt"
mkdir -p "$LOGDIR" "$OUT/work"

cleanup() { stop_stub; drop_all_dbs; }
trap cleanup EXIT
trap 'exit 130' INT TERM

HAVE_TIME=0
[[ -x /usr/bin/time ]] && /usr/bin/time -v true >/dev/null 2>&1 && HAVE_TIME=1
[[ $HAVE_TIME = 1 ]] || log "/usr/bin/time -v not available (Debian package 'time'): sampling VmHWM instead"

# measure LOGFILE CMD... -> sets M_WALL (s), M_RSS_KB, M_RC; the command's stdout+stderr go to LOGFILE
measure() {
	local logfile="$1"; shift
	local t0 t1 tfile="$logfile.time"
	t0=$(now_ms)
	M_RC=0
	if [[ $HAVE_TIME = 1 ]]; then
		/usr/bin/time -v -o "$tfile" timeout -k 10 "$TIMEOUT" "$@" > "$logfile" 2>&1 || M_RC=$?
		t1=$(now_ms)
		M_RSS_KB=$(sed -n 's/.*Maximum resident set size (kbytes): *//p' "$tfile")
	else
		"$@" > "$logfile" 2>&1 &
		local pid=$! hwm=0 v deadline=$(( $(now_ms) + TIMEOUT * 1000 ))
		while kill -0 "$pid" 2>/dev/null; do
			v=$(awk '/^VmHWM:/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)
			[[ -n "$v" && "$v" -gt "$hwm" ]] && hwm=$v
			if (( $(now_ms) > deadline )); then kill -9 "$pid" 2>/dev/null || true; fi
			sleep 0.1
		done
		wait "$pid" || M_RC=$?
		t1=$(now_ms)
		M_RSS_KB=$hwm
	fi
	M_WALL=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f", (b - a) / 1000}')
	[[ -n "$M_RSS_KB" ]] || M_RSS_KB=0
}

peer_rate() { sed -n 's/^RESULT .* rate=\([0-9.]*\).*/\1/p' "$1" | tail -1; }
# The import's own rate (records / job duration, start-up excluded), from its summary: "  rate   N records/s"
job_rate() { sed -n 's/^  rate  *\([0-9.]*\) records\/s.*/\1/p' "$1" | tail -1; }
LAUNCHER="$ROOT/bin/keywords-backfill"
export KEYWORDS_BACKFILL_JAR="$JAR" KEYWORDS_BACKFILL_CACHE="$OUT/cache"

compile_bench
ensure_jar
DATA="$(generate_data "$N")"
IMPORT_INPUT="$DATA"
if (( FILES > 1 )); then
	# the same records, split into FILES files of (nearly) equal line counts
	IMPORT_INPUT="$(split_data "$DATA" "$FILES")"
fi
# Warm-up, not timed: the launcher unpacks the jar and its first import writes the class-data-sharing
# archive, as a user's first import does once. Here that is an import of the first 2,000 records.
head -n 2000 "$DATA" > "$OUT/work/warm-up.jsonl"
start_stub "$PORT" 0 ""
create_db kwbf_bench_warm_$$
# shellcheck disable=SC2046
(cd "$OUT/work" && env $(import_env kwbf_bench_warm_$$ "$PORT") JAVA_OPTS="${JAVA_OPTS:--Xmx256m}" \
	"$LAUNCHER" import --format together-batch warm-up.jsonl > "$LOGDIR/warm-up.log" 2>&1) \
	|| die "warm-up run failed (see $LOGDIR/warm-up.log)"
stop_stub
drop_db kwbf_bench_warm_$$
BYTES=$(stat -c %s "$DATA")

{
	echo "keywords-backfill bench — $(date -Is)"
	echo "commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')  jar $(stat -c %y "$JAR" | cut -d. -f1)"
	echo "host: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GB", $2/1048576}' /proc/meminfo); $(java -version 2>&1 | head -1)"
	echo "data: $N records, $(awk -v b="$BYTES" 'BEGIN {printf "%.1f MB", b/1e6}') ($DATA)"
	if (( FILES > 1 )); then echo "import input: the same records in $FILES files ($IMPORT_INPUT)"; fi
	echo "runs per measurement: $RUNS (median); latency scenarios (ms): $LATENCIES"
	echo "import: bin/keywords-backfill, JAVA_OPTS='${JAVA_OPTS:--Xmx256m}' BACKFILL_CHUNK_SIZE=${BACKFILL_CHUNK_SIZE:-default}" \
		"BACKFILL_CONCURRENCY=${BACKFILL_CONCURRENCY:-default} KEYWORDSAI_MAX_BATCH_LOGS=${KEYWORDSAI_MAX_BATCH_LOGS:-default}"
} > "$RESULTS.head"

ROWS=()
NOTES=()
for L in $LATENCIES; do
	log "scenario: stub latency ${L} ms"
	start_stub "$PORT" "$L" ""
	# Warm the stand-in up (40 batches of 500), not timed: otherwise the first import of each scenario shares
	# the two cores with the stub's own JIT compilation (about 1.5 s of CPU), which the peers, run after it,
	# never meet.
	java -cp "$CLASSES" NaivePeer batch500 "$DATA" "http://127.0.0.1:$PORT/api" 20000 > "$LOGDIR/stub-warm-up-lat$L.log" 2>&1 \
		|| die "stub warm-up failed (see $LOGDIR/stub-warm-up-lat$L.log)"
	cap=$SINGLE_CAP; (( L > 0 )) && cap=$SINGLE_CAP_LAT
	(( cap > N )) && cap=$N
	imp_rates=(); job_rates=(); imp_rss=(); b_rates=(); b_rss=(); s_rates=(); s_rss=()
	for r in $(seq 1 "$RUNS"); do
		# --- the application, fresh database (the ledger would otherwise skip everything) ---
		db="kwbf_bench_$$_${L}_${r}"
		create_db "$db"
		stub_reset "$PORT"
		lf="$LOGDIR/import-lat$L-run$r.log"
		log "  run $r/$RUNS: import ($N records)"
		# shellcheck disable=SC2086
		pushd "$OUT/work" >/dev/null # the import's working directory (./data etc. stay out of the repo)
		measure "$lf" env $(import_env "$db" "$PORT") JAVA_OPTS="${JAVA_OPTS:--Xmx256m}" \
			"$LAUNCHER" import --format together-batch "$IMPORT_INPUT"
		popd >/dev/null
		drop_db "$db"
		st=$(stub_stats "$PORT")
		distinct=$(json_num "$st" distinct); dups=$(json_num "$st" duplicates)
		log "    import exit=$M_RC wall=${M_WALL}s rss=$((M_RSS_KB / 1024))MB stub=$st"
		if [[ "$M_RC" != 0 ]]; then
			NOTES+=("lat $L run $r: import exited $M_RC (see $lf)")
		fi
		if [[ "$distinct" != "$N" || "$dups" != 0 ]]; then
			NOTES+=("lat $L run $r: stub stored $distinct distinct ids of $N, $dups duplicates")
		fi
		imp_rates+=("$(awk -v n="$N" -v s="$M_WALL" 'BEGIN {printf "%.1f", n / s}')")
		job_rates+=("$(job_rate "$lf")")
		imp_rss+=("$M_RSS_KB")

		if [[ "$PEERS" = 1 ]]; then
			# --- naive peer: sequential batches of 500 ---
			stub_reset "$PORT"
			lf="$LOGDIR/peer-batch500-lat$L-run$r.log"
			log "  run $r/$RUNS: naive peer batch500 ($N records)"
			measure "$lf" java -cp "$CLASSES" NaivePeer batch500 "$DATA" "http://127.0.0.1:$PORT/api"
			[[ "$M_RC" = 0 ]] || NOTES+=("lat $L run $r: batch500 peer exited $M_RC (see $lf)")
			b_rates+=("$(peer_rate "$lf")"); b_rss+=("$M_RSS_KB")
			log "    batch500 $(grep '^RESULT' "$lf" || echo 'no RESULT line')"

			# --- naive peer: one log per request (capped, rate extrapolated) ---
			stub_reset "$PORT"
			lf="$LOGDIR/peer-single-lat$L-run$r.log"
			log "  run $r/$RUNS: naive peer single (first $cap records)"
			measure "$lf" java -cp "$CLASSES" NaivePeer single "$DATA" "http://127.0.0.1:$PORT/api" "$cap"
			[[ "$M_RC" = 0 ]] || NOTES+=("lat $L run $r: single peer exited $M_RC (see $lf)")
			s_rates+=("$(peer_rate "$lf")"); s_rss+=("$M_RSS_KB")
			log "    single $(grep '^RESULT' "$lf" || echo 'no RESULT line')"
		fi
	done
	stop_stub

	imp=$(median "${imp_rates[@]}")
	ROWS+=("${L}|keywords-backfill import|$imp|$(( $(max_of "${imp_rss[@]}") / 1024 ))|${imp_rates[*]}")
	ROWS+=("${L}|  same, job only (start-up excluded)|$(median "${job_rates[@]}")|-|${job_rates[*]}")
	if [[ "$PEERS" = 1 ]]; then
		ROWS+=("${L}|naive peer batch500|$(median "${b_rates[@]}")|$(( $(max_of "${b_rss[@]}") / 1024 ))|${b_rates[*]}")
		ROWS+=("${L}|naive peer single (first $cap)|$(median "${s_rates[@]}")|$(( $(max_of "${s_rss[@]}") / 1024 ))|${s_rates[*]}")
	fi
done

# --- table ---
{
	cat "$RESULTS.head"
	echo
	printf '%-9s %-36s %12s %9s %11s %11s   %s\n' "latency" "tool" "records/s" "peakRSS" "vs batch500" "vs single" "runs (records/s)"
	for L in $LATENCIES; do
		b=""; s=""
		for row in "${ROWS[@]}"; do
			IFS='|' read -r lat tool rate rss all <<<"$row"
			[[ "$lat" = "$L" ]] || continue
			[[ "$tool" = "naive peer batch500" ]] && b=$rate
			[[ "$tool" == "naive peer single"* ]] && s=$rate
		done
		for row in "${ROWS[@]}"; do
			IFS='|' read -r lat tool rate rss all <<<"$row"
			[[ "$lat" = "$L" ]] || continue
			rb=$( [[ -n "$b" ]] && awk -v x="$rate" -v y="$b" 'BEGIN {printf "%.2fx", x / y}' || echo "-")
			rs=$( [[ -n "$s" ]] && awk -v x="$rate" -v y="$s" 'BEGIN {printf "%.1fx", x / y}' || echo "-")
			printf '%-9s %-36s %12.1f %7s MB %11s %11s   %s\n' "${lat} ms" "$tool" "$rate" "$rss" "$rb" "$rs" "$all"
		done
	done
	echo
	echo "records/s: import = N / wall time of the whole process (JVM and Spring start, migrations, fingerprinting,"
	echo "  reading, mapping, delivery, commits: what a user waits for); 'job only' = the import's own rate, N / job"
	echo "  duration (start-up and fingerprinting excluded, like the peers' timers); peers = their own timer around"
	echo "  the read+POST loop (JVM start excluded). Median of $RUNS runs; peak RSS = max over the runs."
	echo "The single-log peer only sends its first records (cap shown) and its rate is extrapolated to N:"
	echo "  each request is independent and sequential, so its rate does not depend on N."
	echo "Ratios: import records/s divided by the peer's records/s in the same invocation, same data and server."
	if [[ ${#NOTES[@]} -gt 0 ]]; then
		echo
		echo "PROBLEMS:"
		printf '  %s\n' "${NOTES[@]}"
	fi
	echo "logs: $LOGDIR"
} | tee "$RESULTS"
rm -f "$RESULTS.head"
echo "results written to $RESULTS" >&2
[[ ${#NOTES[@]} -eq 0 ]]
