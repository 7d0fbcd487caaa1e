#!/usr/bin/env bash
# Remote partitioning benchmark: the same import run locally, then with --remote on 1 and 2 worker processes
# (all on this machine), against the local stub at a fixed latency; each on a fresh database.
#
#   bench/remote.sh [N]         N records (default 200000)
#
# Needs RabbitMQ on 127.0.0.1:5672 (guest/guest) besides what run.sh needs. Each import's queue is its own.
# Env: BENCH_LATENCY_MS (100)  BENCH_WORKERS ("0 1 2"; 0 = the local run)  BENCH_PORT (18191)
#      BENCH_TIMEOUT (1800 s per import)  JAVA_OPTS (default -Xmx256m, for the manager and each worker)
#      BACKFILL_MIN_PARTITION_BYTES (default 16MB, as a user would have it)
set -euo pipefail
source "$(dirname "$0")/lib.sh"

N="${1:-200000}"
LATENCY="${BENCH_LATENCY_MS:-100}"
SETUPS="${BENCH_WORKERS:-0 1 2}"
PORT="${BENCH_PORT:-18191}"
TIMEOUT="${BENCH_TIMEOUT:-1800}"
[[ "$N" =~ ^[0-9]+$ && "$N" -gt 0 ]] || die "N must be a positive integer"
(exec 3<>/dev/tcp/127.0.0.1/5672) 2>/dev/null || die "RabbitMQ does not answer on 127.0.0.1:5672"

STAMP="$(date +%Y%m%d-%H%M%S)"
LOGDIR="$OUT/logs/remote-$STAMP"
RESULTS="$OUT/remote-results-$STAMP.txt"
mkdir -p "$LOGDIR"

WORKER_PIDS=()
stop_workers() {
	local pid i
	for pid in "${WORKER_PIDS[@]:-}"; do [[ -n "$pid" ]] && kill "$pid" 2>/dev/null || true; done
	for pid in "${WORKER_PIDS[@]:-}"; do
		[[ -n "$pid" ]] || continue
		for i in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
		kill -9 "$pid" 2>/dev/null || true
	done
	WORKER_PIDS=()
}
cleanup() { stop_workers; stop_stub; drop_all_dbs; }
trap cleanup EXIT
trap 'exit 130' INT TERM

compile_bench
ensure_jar
DATA="$(generate_data "$N")"
start_stub "$PORT" "$LATENCY" ""
JAVA_OPTS="${JAVA_OPTS:--Xmx256m}"

printf 'remote partitioning: %s records, %s ms latency, %s cores, load %s at start\n' "$N" "$LATENCY" "$(nproc)" \
	"$(cut -d' ' -f1-3 /proc/loadavg)" | tee "$RESULTS"
printf '%-12s | %-10s | %-12s | %-12s | %s\n' setup wall_s records/s job_rate stub | tee -a "$RESULTS"
for workers in $SETUPS; do
	db="kwbf_remote_${workers}_$$"
	queue="keywords-backfill-bench-$$-$workers"
	create_db "$db"
	stub_reset "$PORT"
	set -a
	eval "$(import_env "$db" "$PORT")"
	BACKFILL_REMOTE_QUEUE="$queue"
	set +a
	remote=()
	if [[ "$workers" -gt 0 ]]; then
		remote=(--remote)
		for w in $(seq 1 "$workers"); do
			java $JAVA_OPTS -jar "$JAR" worker > "$LOGDIR/worker-$workers-$w.log" 2>&1 &
			WORKER_PIDS+=($!)
		done
		# the workers are up when they have registered (bounded)
		for i in $(seq 1 600); do
			n=$(psql -h "$PGHOST_" -p "$PGPORT_" -U "$PGUSER_" -d "$db" -qAt -c "SELECT COUNT(*) FROM backfill_worker" 2>/dev/null || echo 0)
			[[ "$n" == "$workers" ]] && break
			sleep 0.2
		done
		[[ "$n" == "$workers" ]] || die "workers did not register within 120 s (see $LOGDIR)"
	fi
	log "import: $workers worker(s)"
	t0=$(now_ms)
	rc=0
	timeout -k 10 "$TIMEOUT" java $JAVA_OPTS -jar "$JAR" import --format together-batch "$DATA" "${remote[@]}" --no-progress \
		> "$LOGDIR/import-$workers.log" 2>&1 || rc=$?
	t1=$(now_ms)
	stop_workers
	stats="$(stub_stats "$PORT")"
	[[ "$rc" == 0 ]] || die "import with $workers worker(s) exited $rc (see $LOGDIR/import-$workers.log)"
	[[ "$(json_num "$stats" distinct)" == "$N" && "$(json_num "$stats" duplicates)" == 0 ]] \
		|| die "stub did not store $N distinct logs once each: $stats"
	wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.1f", (b - a) / 1000}')
	rate=$(awk -v n="$N" -v w="$wall" 'BEGIN {printf "%.0f", n / w}')
	jrate=$(sed -n 's/^  rate  *\([0-9.]*\) records\/s.*/\1/p' "$LOGDIR/import-$workers.log" | tail -1)
	setup=$([[ "$workers" == 0 ]] && echo local || echo "remote x$workers")
	printf '%-12s | %-10s | %-12s | %-12s | %s\n' "$setup" "$wall" "$rate" "$jrate" \
		"$(json_num "$stats" distinct) distinct, $(json_num "$stats" duplicates) dup, max in flight $(json_num "$stats" max_in_flight)" \
		| tee -a "$RESULTS"
	drop_db "$db"
done
log "results in $RESULTS, logs in $LOGDIR"
