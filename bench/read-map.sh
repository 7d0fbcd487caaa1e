#!/usr/bin/env bash
# bench/read-map.sh [SIZE_MB] — reading and mapping alone (no HTTP, no database), per format.
# Generates one file per format of SIZE_MB MiB (default 1024 = 1 GiB) into bench/out/data/ (cached), runs
# bench/ReadMapBench.java on each under /usr/bin/time -v with $JAVA_OPTS (default -Xmx512m) and prints
# format | size MB | records | rejects | seconds | records/s | MB/s | peak heap | sampled heap | live heap at end | RSS (MB),
# also written to bench/out/read-map-<date-time>.txt. Exit 1 if a run failed or had rejects.
# Env: JAVA_OPTS, READMAP_FORMATS (default "together-batch chat-log usage-csv"), READMAP_TIMEOUT (3600 s per run),
# READMAP_GENERATE_ONLY=1 (generate the data files and exit, e.g. ahead of a measurement on a busy machine).
set -uo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$BENCH_DIR/.." && pwd)"
OUT="$BENCH_DIR/out"
SIZE_MB="${1:-1024}"
JAVA_OPTS="${JAVA_OPTS:--Xmx512m}"
FORMATS="${READMAP_FORMATS:-together-batch chat-log usage-csv}"
TIMEOUT="${READMAP_TIMEOUT:-3600}"
STAMP="$(date +%Y%m%d-%H%M%S)"
RESULT="$OUT/read-map-$STAMP.txt"
LOGS="$OUT/logs/read-map-$STAMP"
CLASSES="$OUT/classes-readmap"

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 2; }

[[ "$SIZE_MB" =~ ^[0-9]+$ && "$SIZE_MB" -gt 0 ]] || die "SIZE_MB must be a positive whole number"
mkdir -p "$OUT/data" "$LOGS" "$CLASSES"
cd "$ROOT" || die "cannot cd to $ROOT"

# 1. the project's classes and their classpath
if [[ ! -d target/classes/io/keywordsbackfill ]]; then
	log "compiling the project (./mvnw -o compile)"
	./mvnw -q -o -DskipTests compile || die "compile failed"
fi
if [[ ! -s target/bench-classpath.txt ]]; then
	log "writing target/bench-classpath.txt"
	./mvnw -q -o dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt || die "build-classpath failed"
fi
CP="target/classes:$(cat target/bench-classpath.txt)"

# 2. the bench classes, compiled ahead (the source launcher would compile inside the measured JVM and add its
#    own heap and RSS to the figures)
stamp="$CLASSES/.stamp"
if [[ ! -f "$stamp" ]] || [[ -n "$(find "$BENCH_DIR" -maxdepth 1 \( -name 'ReadMapBench.java' -o -name 'Generate*.java' \) -newer "$stamp")" ]] \
	|| [[ -n "$(find target/classes -name '*.class' -newer "$stamp" -print -quit)" ]]; then
	javac -cp "$CP" -d "$CLASSES" "$BENCH_DIR"/ReadMapBench.java || die "javac ReadMapBench failed"
	javac -d "$CLASSES" "$BENCH_DIR"/GenerateBatch.java "$BENCH_DIR"/GenerateChatLog.java "$BENCH_DIR"/GenerateUsageCsv.java \
		|| die "javac generators failed"
	touch "$stamp"
fi

# 3. data, one file per format, cached by size (deterministic generators)
BYTES=$(( SIZE_MB * 1048576 ))
data_file() { # data_file FORMAT -> path (generated if missing)
	local f
	case "$1" in
		together-batch) f="$OUT/data/readmap-together-batch-${SIZE_MB}MB.jsonl" ;;
		chat-log) f="$OUT/data/readmap-chat-log-${SIZE_MB}MB.jsonl" ;;
		usage-csv) f="$OUT/data/readmap-usage-csv-${SIZE_MB}MB.csv" ;;
		*) die "unknown format $1" ;;
	esac
	if [[ ! -s "$f" ]]; then
		log "generating $f"
		case "$1" in
			# GenerateBatch takes a line count: ~978 bytes per line on average
			together-batch) java -cp "$CLASSES" GenerateBatch "$f.tmp" $(( BYTES / 978 + 1 )) >&2 ;;
			chat-log) java -cp "$CLASSES" GenerateChatLog "$f.tmp" "$BYTES" >&2 ;;
			usage-csv) java -cp "$CLASSES" GenerateUsageCsv "$f.tmp" "$BYTES" >&2 ;;
		esac || die "generating $f failed"
		mv "$f.tmp" "$f"
	fi
	echo "$f"
}

if [[ "${READMAP_GENERATE_ONLY:-0}" == 1 ]]; then
	for format in $FORMATS; do data_file "$format"; done
	exit 0
fi

HAVE_TIME=0
[[ -x /usr/bin/time ]] && /usr/bin/time -v true >/dev/null 2>&1 && HAVE_TIME=1
[[ $HAVE_TIME = 1 ]] || log "/usr/bin/time -v not available (Debian package 'time'): no peak RSS"

{
	echo "# bench/read-map.sh $SIZE_MB   ($(date -u +%Y-%m-%dT%H:%M:%SZ))"
	echo "# commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')  JAVA_OPTS=$JAVA_OPTS  $(java -version 2>&1 | head -1)"
	echo "# $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at start"
	echo "# read + SourceItemProcessor + LogJson.toJsonBytes per record; MB = MiB; timer excludes JVM start and SHA-256 fingerprint"
} > "$RESULT"

PROBLEMS=()
ROWS=()
for format in $FORMATS; do
	file="$(data_file "$format")"
	logf="$LOGS/$format.log"
	tfile="$LOGS/$format.time"
	log "$format: $(du -m "$file" | cut -f1) MB, JAVA_OPTS=$JAVA_OPTS"
	rc=0
	# shellcheck disable=SC2086
	if [[ $HAVE_TIME = 1 ]]; then
		/usr/bin/time -v -o "$tfile" timeout -k 10 "$TIMEOUT" java $JAVA_OPTS -cp "$CLASSES:$CP" ReadMapBench "$format" "$file" \
			> "$logf" 2>&1 || rc=$?
		rss_kb=$(sed -n 's/.*Maximum resident set size (kbytes): *//p' "$tfile")
		rss="$(( ${rss_kb:-0} / 1024 ))"
	else
		timeout -k 10 "$TIMEOUT" java $JAVA_OPTS -cp "$CLASSES:$CP" ReadMapBench "$format" "$file" > "$logf" 2>&1 || rc=$?
		rss="-"
	fi
	line="$(grep '^RESULT ' "$logf" | tail -1)"
	if [[ $rc -ne 0 || -z "$line" ]]; then
		why="$(grep -m1 -E 'OutOfMemoryError|Exception|Error' "$logf" || tail -1 "$logf")"
		PROBLEMS+=("$format: exit $rc: $why (log: $logf)")
		ROWS+=("$(printf '%-15s %8s %10s %8s %8s %12s %8s %10s %10s %9s %9s' "$format" "$(( $(stat -c %s "$file") / 1048576 ))" FAILED - - - - - - - "$rss")")
		continue
	fi
	echo "$line" >> "$RESULT"
	get() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<< "$line"; }
	[[ "$(get rejects)" == 0 ]] || PROBLEMS+=("$format: $(get rejects) rejects ($(grep 'reject reasons' "$logf"))")
	ROWS+=("$(printf '%-15s %8s %10s %8s %8s %12s %8s %10s %10s %9s %9s' "$format" "$(get file_mb)" "$(get records)" \
		"$(get rejects)" "$(get seconds)" "$(get records_per_s)" "$(get mb_per_s)" "$(get peak_heap_mb)" \
		"$(get sampled_heap_mb)" "$(get live_heap_end_mb)" "$rss")")
done

{
	echo
	printf '%-15s %8s %10s %8s %8s %12s %8s %10s %10s %9s %9s\n' format "size MB" records rejects seconds "records/s" "MB/s" \
		"peak heap" "heap smpl" "live end" "RSS MB"
	printf '%s\n' "${ROWS[@]}"
	echo "# peak heap = sum of the heap pools' peak usage (upper bound); heap smpl = highest used heap sampled every 20 ms;"
	echo "# live end = heap after a full GC at the end (the seen-id set, mostly; not timed);"
	echo "# RSS = Maximum resident set size from /usr/bin/time -v (whole JVM). Load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
	if [[ ${#PROBLEMS[@]} -gt 0 ]]; then
		echo "PROBLEMS:"
		printf '  %s\n' "${PROBLEMS[@]}"
	fi
} | tee -a "$RESULT"
log "results: $RESULT, logs: $LOGS"
[[ ${#PROBLEMS[@]} -eq 0 ]]
