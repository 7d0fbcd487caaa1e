#!/usr/bin/env bash
# Rescan benchmark: what a nightly `run` of a job definition costs when its directory holds many files that
# earlier nights already imported and nothing new has arrived. The run recognises completed files by their
# content fingerprint (SHA-256 of the whole file). Before backfill_file_fingerprint it read every byte of every
# file again each night; now an unchanged file is known by its remembered fingerprint. BENCH_JAR compares
# builds.
#
#   bench/rescan.sh
#
# Night 1 (--date 2026-01-01) imports all files into a fresh database; nights 2..1+RESCAN_NIGHTS (2026-01-02,
# ...) find nothing new. Each night is one whole `bin/keywords-backfill run DEF` process, timed wall-clock
# (JVM start, migrations, fingerprinting, the empty job): what a cron job costs the machine every night.
#
# Env: RESCAN_FILES (40)  RESCAN_RECORDS (10000 Together Batch output records per file, ~1 KB each)
#      RESCAN_NIGHTS (3)  RESCAN_COLD (0; 1 = drop the page cache before each rescan night, when allowed)
#      RESCAN_TIMEOUT (1800 s per night)  RESCAN_QUIET_WAIT (600 s at most, before each night, for an idle machine)
#      BENCH_PORT (18383)  BENCH_JAR  JAVA_OPTS (default -Xmx256m)
set -euo pipefail
source "$(dirname "$0")/lib.sh"

FILES="${RESCAN_FILES:-40}"
RECORDS="${RESCAN_RECORDS:-10000}"
NIGHTS="${RESCAN_NIGHTS:-3}"
COLD="${RESCAN_COLD:-0}"
TIMEOUT="${RESCAN_TIMEOUT:-1800}"
PORT="${BENCH_PORT:-18383}"
for v in FILES RECORDS NIGHTS; do
	[[ "${!v}" =~ ^[0-9]+$ && "${!v}" -gt 0 ]] || die "RESCAN_$v must be a positive integer"
done
(( FILES <= 1000 )) || die "RESCAN_FILES must be at most 1000 (three-digit file names)"

STAMP="$(date +%Y%m%d-%H%M%S)"
DATA_DIR="$OUT/rescan-data"
WORK="$OUT/rescan-work"
LOGDIR="$OUT/logs/rescan-$STAMP"
RESULTS="$OUT/rescan-results-$STAMP.txt"
DB="kwbf_rescan_$$"
mkdir -p "$WORK" "$LOGDIR"

cleanup() { stop_stub; drop_all_dbs; }
trap cleanup EXIT
trap 'exit 130' INT TERM

LAUNCHER="$ROOT/bin/keywords-backfill"
export KEYWORDS_BACKFILL_JAR="$JAR" KEYWORDS_BACKFILL_CACHE="$OUT/cache"

compile_bench
ensure_jar

# --- data: FILES files with distinct content (one generated stream cut into parts, so no record repeats).
# The stamp records what the cache holds; checking it instead of counting lines keeps the check itself from
# reading (and caching) 390 MB.
want="$FILES x $RECORDS"
if [[ "$(cat "$DATA_DIR/.complete" 2>/dev/null || true)" != "$want" ]] \
	|| [[ "$(find "$DATA_DIR" -maxdepth 1 -name 'batch-*-output.jsonl' | wc -l)" -ne "$FILES" ]]; then
	log "generating $FILES files of $RECORDS records in $DATA_DIR"
	rm -rf "$DATA_DIR"
	mkdir -p "$DATA_DIR"
	java -cp "$CLASSES" GenerateBatch "$DATA_DIR/all.tmp" $(( FILES * RECORDS )) >&2 || die "data generation failed"
	split -l "$RECORDS" -d -a 3 --additional-suffix=-output.jsonl "$DATA_DIR/all.tmp" "$DATA_DIR/batch-"
	rm -f "$DATA_DIR/all.tmp"
	echo "$want" > "$DATA_DIR/.complete"
fi
BYTES=$(du -sb "$DATA_DIR" | cut -f1)

# --- the definition, as a user's nightly one (paths relative to the definition's directory)
DEF="$WORK/rescan-nightly.yml"
cat > "$DEF" <<'EOF'
# bench/rescan.sh: a nightly Together Batch import whose directory only ever grows
name: rescan-nightly
schedule: "0 30 2 * * *"
zone: UTC
inputs:
  - format: together-batch
    paths: ["../rescan-data/**/*-output.jsonl"]
pricing:
  exported-cost: fill-missing
  unpriced-model: send-without-cost
EOF

# cold: each rescan night starts with nothing in the page cache (files, jar, CDS archive, PostgreSQL's
# pages), as on a machine whose memory went to other work during the day. Needs a writable /proc/sys.
drop_caches() { sync && { echo 3 > /proc/sys/vm/drop_caches; } 2>/dev/null; }
CACHE_MODE="warm (page cache not dropped)"
DROP=0
if [[ "$COLD" = 1 ]]; then
	if drop_caches; then
		DROP=1
		CACHE_MODE="cold (page cache dropped before each rescan night)"
	else
		log "RESCAN_COLD=1 but /proc/sys/vm/drop_caches is not writable here: measuring warm"
		CACHE_MODE="warm (RESCAN_COLD=1 asked, but dropping the page cache was not possible)"
	fi
fi
# the launcher's cache is keyed by the jar's SHA-256; an archive made by an earlier bench is reused
CDS="written by night 1 (its time includes that)"
[[ -f "$OUT/cache/$(sha256sum "$JAR" | cut -c1-16)/app.jsa" ]] && CDS="present before night 1"

# The machine may be shared (a build next door): each night also reports the CPU seconds the whole machine
# spent during it beside the night's own (the process and its children), so a disturbed night shows.
busy_ticks() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8 + $9}' /proc/stat; }
# wait_quiet: before a night, wait (at most RESCAN_QUIET_WAIT s) until the machine is idle for 2 s (under a
# quarter of one core); returns 1 if it never was
wait_quiet() {
	local hz b deadline=$(( $(now_ms) + ${RESCAN_QUIET_WAIT:-600} * 1000 ))
	hz=$(getconf CLK_TCK)
	while (( $(now_ms) < deadline )); do
		b=$(busy_ticks); sleep 2
		(( $(busy_ticks) - b < hz / 2 )) && return 0
	done
	log "  the machine stayed busy for ${RESCAN_QUIET_WAIT:-600} s: measuring anyway"
	return 1
}
HAVE_TIME=0
[[ -x /usr/bin/time ]] && HAVE_TIME=1
# night DATE LOGFILE -> sets N_MS (wall ms of the whole process), N_RC, N_FILES (files the run read),
# N_CPU ("own s / machine s" of CPU during the night)
night() {
	local t0 b0 own="?" tfile="$2.cpu"
	wait_quiet || NOTES+=("night of $1: the machine was busy when it started")
	t0=$(now_ms); b0=$(busy_ticks)
	N_RC=0
	# shellcheck disable=SC2046
	(cd "$WORK" && env $(import_env "$DB" "$PORT") JAVA_OPTS="${JAVA_OPTS:--Xmx256m}" \
		$( ((HAVE_TIME)) && echo "/usr/bin/time -f %U+%S -o $tfile" ) \
		timeout -k 10 "$TIMEOUT" "$LAUNCHER" run "$DEF" --date "$1" --no-progress) > "$2" 2>&1 || N_RC=$?
	N_MS=$(( $(now_ms) - t0 ))
	[[ -s "$tfile" ]] && own=$(tail -1 "$tfile" | awk -F+ '{printf "%.2f", $1 + $2}')
	N_CPU="cpu ${own} s own / $(awk -v t=$(( $(busy_ticks) - b0 )) -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.2f", t / hz}') s machine"
	N_FILES=$(sed -n 's/.*DefinitionRuns.* files=\([0-9]*\).*/\1/p' "$2" | tail -1)
}
secs() { awk -v m="$1" 'BEGIN {printf "%.2f", m / 1000}'; }

NOTES=()
start_stub "$PORT" 0 ""
create_db "$DB"

log "night 1 (2026-01-01): import $FILES files, $(( FILES * RECORDS )) records"
night 2026-01-01 "$LOGDIR/night-1.log"
st=$(stub_stats "$PORT")
log "  exit=$N_RC wall=$(secs "$N_MS")s $N_CPU files=$N_FILES stub=$st"
[[ "$N_RC" = 0 ]] || die "night 1 exited $N_RC (see $LOGDIR/night-1.log)"
[[ "$(json_num "$st" distinct)" = $(( FILES * RECORDS )) && "$(json_num "$st" duplicates)" = 0 ]] \
	|| NOTES+=("night 1: stub stored $(json_num "$st" distinct) distinct ids of $(( FILES * RECORDS )), $(json_num "$st" duplicates) duplicates")
NIGHT1_MS=$N_MS NIGHT1_CPU=$N_CPU

RESCAN_MS=(); RESCAN_CPU=()
for k in $(seq 2 $(( NIGHTS + 1 ))); do
	d=$(date -u -d "2026-01-01 + $(( k - 1 )) days" +%F)
	stub_reset "$PORT"
	if [[ "$DROP" = 1 ]]; then drop_caches || die "dropping the page cache failed"; fi
	log "night $k ($d): nothing new"
	night "$d" "$LOGDIR/night-$k.log"
	st=$(stub_stats "$PORT")
	log "  exit=$N_RC wall=$(secs "$N_MS")s $N_CPU files=$N_FILES stub=$st"
	[[ "$N_RC" = 0 ]] || NOTES+=("night $k: exited $N_RC (see $LOGDIR/night-$k.log)")
	[[ "$N_FILES" = 0 ]] || NOTES+=("night $k: read ${N_FILES:-?} files, expected 0 (see $LOGDIR/night-$k.log)")
	[[ "$(json_num "$st" logs)" = 0 ]] || NOTES+=("night $k: the stub received $(json_num "$st" logs) logs, expected 0")
	RESCAN_MS+=("$N_MS"); RESCAN_CPU+=("$N_CPU")
done

{
	echo "keywords-backfill rescan bench — $(date -Is)"
	echo "commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')  jar $JAR ($(stat -c %y "$JAR" | cut -d. -f1))"
	echo "host: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GB", $2/1048576}' /proc/meminfo); $(java -version 2>&1 | head -1)"
	echo "data: $FILES files x $RECORDS records, $(awk -v b="$BYTES" 'BEGIN {printf "%.1f MB", b/1e6}') present ($DATA_DIR)"
	echo "run: bin/keywords-backfill run $DEF, JAVA_OPTS='${JAVA_OPTS:--Xmx256m}', PostgreSQL job repository, stub latency 0"
	echo "page cache: $CACHE_MODE; CDS archive: $CDS"
	echo "night 1 (imports everything): $(secs "$NIGHT1_MS") s   ($NIGHT1_CPU)"
	for i in "${!RESCAN_MS[@]}"; do
		echo "night $((i + 2)) (nothing new):        $(secs "${RESCAN_MS[$i]}") s   (${RESCAN_CPU[$i]})"
	done
	echo "median rescan night: $(secs "$(median "${RESCAN_MS[@]}")") s (wall time of the whole process, median of $NIGHTS)"
	if [[ ${#NOTES[@]} -gt 0 ]]; then
		echo "PROBLEMS:"
		printf '  %s\n' "${NOTES[@]}"
	fi
	echo "logs: $LOGDIR"
} | tee "$RESULTS"
echo "results written to $RESULTS" >&2
[[ ${#NOTES[@]} -eq 0 ]]
