#!/usr/bin/env bash
# Crash test: kill -9 the import at a random moment of its delivery, re-run the same command until it
# completes, and count from the stub server's id log what was stored: nothing may be lost; duplicates
# (ids stored more than once) are reported per trial.
#
#   bench/kill-test.sh [TRIALS] [N]        defaults 10 and 20000
#
# Kill moment (KILL_MODE): "time" = once the first log is stored, after a random part of the delivery time
# measured by a calibration run;
# "progress" = as soon as the stub has stored a random number (1..N-1) of ids, i.e. just after a batch was
# stored and most likely before the importer committed it (the crash window); "mixed" (default) alternates.
#
# The stub lists a stored log only KILL_INGEST_LAG_MS after it stored it, as Keywords AI's asynchronous ingestion
# does; the import's backfill.in-doubt (BACKFILL_IN_DOUBT: reconcile, the default, resend or reject) decides what a
# re-run does with the batches the kill left in flight.
#
# Env: KILL_MODE (mixed)  KILL_LATENCY_MS (20, stub latency per request)  KILL_MAX_RERUNS (5)  KILL_TIMEOUT (600 s per run)
#      KILL_INGEST_LAG_MS (200)  BACKFILL_IN_DOUBT, BACKFILL_RECONCILE_SETTLETIME (passed through to the import)
#      KILL_WINDOW_MS ("FROM TO": kill between FROM and TO ms after start; default: measured by a calibration run,
#      from the first stored log to the end of the run)  BENCH_PORT (18282)  BENCH_JAR  JAVA_OPTS
#      BACKFILL_CHUNK_SIZE, BACKFILL_CONCURRENCY, KEYWORDSAI_MAX_BATCH_LOGS are passed through to the import.
#      KILL_FILES (1; F > 1 = the import reads the same records split into F files of a directory, which
#      partitions read several at a time, so kills land inside groups of files)
set -euo pipefail
source "$(dirname "$0")/lib.sh"

TRIALS="${1:-10}"
N="${2:-20000}"
LATENCY="${KILL_LATENCY_MS:-20}"
LAG="${KILL_INGEST_LAG_MS:-200}"
IN_DOUBT="${BACKFILL_IN_DOUBT:-reconcile}"
MAX_RERUNS="${KILL_MAX_RERUNS:-5}"
TIMEOUT="${KILL_TIMEOUT:-600}"
PORT="${BENCH_PORT:-18282}"
MODE="${KILL_MODE:-mixed}"
FILES="${KILL_FILES:-1}"
[[ "$MODE" =~ ^(time|progress|mixed)$ ]] || die "KILL_MODE must be time, progress or mixed"
[[ "$TRIALS" =~ ^[0-9]+$ && "$TRIALS" -gt 0 ]] || die "TRIALS must be a positive integer"
[[ "$N" =~ ^[0-9]+$ && "$N" -gt 0 ]] || die "N must be a positive integer"
[[ "$FILES" =~ ^[0-9]+$ && "$FILES" -gt 0 && "$FILES" -le "$N" ]] || die "KILL_FILES must be from 1 to N"

STAMP="$(date +%Y%m%d-%H%M%S)"
DIR="$OUT/kill-$STAMP"
mkdir -p "$DIR" "$OUT/work"
IMPORT_PID=""

cleanup() {
	if [[ -n "$IMPORT_PID" ]] && kill -0 "$IMPORT_PID" 2>/dev/null; then kill -9 "$IMPORT_PID" 2>/dev/null || true; fi
	stop_stub
	drop_all_dbs
}
trap cleanup EXIT
trap 'exit 130' INT TERM

compile_bench
ensure_jar
DATA="$(generate_data "$N")"
if (( FILES > 1 )); then
	DATA="$(split_data "$DATA" "$FILES")"
fi

# the import command, identical for the first run and every re-run: through the launcher, for its JVM settings
# (collector, JIT), as users run large imports; without its class-data-sharing cache, so that it always execs
# the JVM and the PID killed is the JVM's (its archive-writing first run would wait on the JVM instead)
run_import_bg() { # run_import_bg DB LOGFILE -> IMPORT_PID
	# shellcheck disable=SC2046,SC2086
	(cd "$OUT/work" && exec env $(import_env "$1" "$PORT") KEYWORDS_BACKFILL_JAR="$JAR" KEYWORDS_BACKFILL_CDS=0 \
		"$ROOT/bin/keywords-backfill" import --format together-batch "$DATA") >> "$2" 2>&1 &
	IMPORT_PID=$!
}
# wait_import TIMEOUT_S -> rc of the import (124 and a kill -9 on timeout)
wait_import() {
	local deadline=$(( $(now_ms) + $1 * 1000 )) rc=0
	while kill -0 "$IMPORT_PID" 2>/dev/null; do
		if (( $(now_ms) > deadline )); then
			kill -9 "$IMPORT_PID" 2>/dev/null || true
			wait "$IMPORT_PID" 2>/dev/null || true
			IMPORT_PID=""
			return 124
		fi
		sleep 0.05
	done
	wait "$IMPORT_PID" || rc=$?
	IMPORT_PID=""
	return $rc
}
lines() { [[ -f "$1" ]] && wc -l < "$1" || echo 0; }
# in_doubt DB -> "FOUND RESENT REJECTED": over all runs, logs in doubt found stored by reconciliation, logs in doubt
# sent again, and rejects
in_doubt() {
	psql -h "$PGHOST_" -p "$PGPORT_" -U "$PGUSER_" -d "$1" -qAt -F ' ' \
		-c "SELECT COALESCE(SUM(reconciled_in_doubt), 0), COALESCE(SUM(resent_in_doubt), 0),
		           (SELECT COUNT(*) FROM backfill_reject) FROM backfill_step_stats" \
		2>/dev/null || echo "- - -"
}
# status_last DB FILE -> `status ID` of the last run (the one that completed) into FILE
status_last() {
	local id
	id=$(psql -h "$PGHOST_" -p "$PGPORT_" -U "$PGUSER_" -d "$1" -qAt -c "SELECT MAX(JOB_EXECUTION_ID) FROM BATCH_JOB_EXECUTION" 2>/dev/null)
	[[ -n "$id" ]] || return 0
	# shellcheck disable=SC2046,SC2086
	(cd "$OUT/work" && env $(import_env "$1" "$PORT") timeout 120 java ${JAVA_OPTS:-} -jar "$JAR" status "$id") \
		> "$2" 2>&1 || true
}

# --- calibration: an uninterrupted run (after a warm-up run) gives the delivery window ---
if [[ -n "${KILL_WINDOW_MS:-}" ]]; then
	read -r WIN_FROM WIN_TO <<<"$KILL_WINDOW_MS"
else
	log "warm-up run (the first start of the jar is slower: cold page cache)"
	db="kwbf_kill_$$_warm"; create_db "$db"; start_stub "$PORT" "$LATENCY" "" "$LAG"
	run_import_bg "$db" "$DIR/warmup.log"; rc=0; wait_import "$TIMEOUT" || rc=$?
	stop_stub; drop_db "$db"
	[[ "$rc" = 0 ]] || die "the warm-up import did not complete (exit $rc); see $DIR/warmup.log"
	log "calibration run ($N records, stub latency $LATENCY ms)"
	db="kwbf_kill_$$_cal"; idlog="$DIR/calibration.ids"
	create_db "$db"; start_stub "$PORT" "$LATENCY" "$idlog" "$LAG"
	t0=$(now_ms); first=""
	run_import_bg "$db" "$DIR/calibration.log"
	deadline=$(( t0 + TIMEOUT * 1000 ))
	while kill -0 "$IMPORT_PID" 2>/dev/null && (( $(now_ms) < deadline )); do
		[[ -z "$first" && -s "$idlog" ]] && first=$(( $(now_ms) - t0 ))
		sleep 0.02
	done
	rc=0; wait_import 5 || rc=$?
	WIN_TO=$(( $(now_ms) - t0 ))
	WIN_FROM=${first:-0}
	stop_stub; drop_db "$db"
	stored=$(lines "$idlog"); distinct=$(sort -u "$idlog" | wc -l)
	log "calibration: exit $rc, ${WIN_TO} ms, first log stored at ${WIN_FROM} ms, stored $stored ($distinct distinct)"
	[[ "$rc" = 0 ]] || die "the uninterrupted import did not complete (exit $rc); see $DIR/calibration.log"
	[[ "$distinct" = "$N" ]] || die "the uninterrupted import stored $distinct distinct ids of $N; see $DIR/calibration.log"
	if (( WIN_TO - WIN_FROM < 500 )); then
		log "WARNING: delivery lasts only $(( WIN_TO - WIN_FROM )) ms; raise N or KILL_LATENCY_MS for a meaningful test"
	fi
fi
(( WIN_TO > WIN_FROM )) || WIN_TO=$(( WIN_FROM + 1 ))

printf '%-6s %-9s %9s %11s %-12s %8s %9s %6s %6s %8s %6s %7s\n' trial mode kill_ms at_kill reruns stored distinct lost dups rejected found resent | tee "$DIR/summary.txt"
total_lost=0; total_dups=0; failed_trials=0
for t in $(seq 1 "$TRIALS"); do
	db="kwbf_kill_$$_$t"; idlog="$DIR/trial-$t.ids"; tlog="$DIR/trial-$t.log"
	create_db "$db"
	: > "$idlog"
	start_stub "$PORT" "$LATENCY" "$idlog" "$LAG"
	span=$(( WIN_TO - WIN_FROM ))
	target=$(( N > 1 ? 1 + (RANDOM * 32768 + RANDOM) % (N - 1) : 1 ))
	mode=$MODE
	[[ "$MODE" = mixed ]] && { (( t % 2 )) && mode=time || mode=progress; }

	t0=$(now_ms)
	if [[ "$mode" = time ]]; then
		# the start-up time varies with the machine's load: wait for the first stored log, then a random
		# part of the calibrated delivery time
		delay=$(( (RANDOM * 32768 + RANDOM) % (span * 9 / 10 + 1) ))
		echo "=== run 1 (to be killed ${delay} ms after the first stored log)" >> "$tlog"
		run_import_bg "$db" "$tlog"
		while kill -0 "$IMPORT_PID" 2>/dev/null && (( $(now_ms) - t0 < TIMEOUT * 1000 )) && [[ ! -s "$idlog" ]]; do
			sleep 0.005
		done
		t1=$(now_ms)
		while kill -0 "$IMPORT_PID" 2>/dev/null && (( $(now_ms) - t1 < delay )); do sleep 0.005; done
		kill_ms=$(( $(now_ms) - t0 ))
	else
		echo "=== run 1 (to be killed once $target ids are stored)" >> "$tlog"
		run_import_bg "$db" "$tlog"
		while kill -0 "$IMPORT_PID" 2>/dev/null && (( $(now_ms) - t0 < TIMEOUT * 1000 )) \
			&& (( $(lines "$idlog") < target )); do sleep 0.005; done
		kill_ms=$(( $(now_ms) - t0 ))
	fi
	at_kill=$(lines "$idlog")
	if kill -0 "$IMPORT_PID" 2>/dev/null; then
		kill -9 "$IMPORT_PID"
		wait "$IMPORT_PID" 2>/dev/null || true
		IMPORT_PID=""
		first_rc="k9"
	else
		first_rc=0; wait "$IMPORT_PID" || first_rc=$?
		IMPORT_PID=""
		first_rc="done:$first_rc" # finished before the kill
	fi

	reruns=""; completed=0
	[[ "$first_rc" = "done:0" ]] && completed=1
	for a in $(seq 1 "$MAX_RERUNS"); do
		(( completed )) && break
		echo "=== re-run $a" >> "$tlog"
		run_import_bg "$db" "$tlog"
		rc=0; wait_import "$TIMEOUT" || rc=$?
		reruns+="${reruns:+,}$rc"
		if [[ "$rc" = 0 ]]; then completed=1; else sleep 2; fi
	done
	read -r found resent rejected <<<"$(in_doubt "$db")"
	# one `status ID` per invocation, of the first run that settled logs in doubt (a JVM start is seconds)
	if [[ -z "${STATUS_SAVED:-}" && "$found$resent" =~ [1-9] ]]; then
		status_last "$db" "$DIR/trial-$t.status.txt"
		STATUS_SAVED=1
	fi
	stop_stub # flushes; the id log is complete
	drop_db "$db"

	stored=$(lines "$idlog")
	distinct=$(sort -u "$idlog" | wc -l)
	lost=$(( N - distinct )); (( lost < 0 )) && lost=0
	dups=$(( stored - distinct ))
	total_lost=$(( total_lost + lost )); total_dups=$(( total_dups + dups ))
	(( completed )) || failed_trials=$(( failed_trials + 1 ))
	extra=""
	(( distinct > N )) && extra+=" (more distinct ids than records: $distinct > $N)"
	(( completed )) || extra+=" NOT COMPLETED after $MAX_RERUNS re-runs (see $tlog)"
	[[ "$first_rc" == done:* ]] && extra+=" (finished before the kill, exit ${first_rc#done:})"
	printf '%-6s %-9s %9s %11s %-12s %8s %9s %6s %6s %8s %6s %7s%s\n' "$t" "$mode" "$kill_ms" "$at_kill" "${reruns:--}" \
		"$stored" "$distinct" "$lost" "$dups" "$rejected" "$found" "$resent" "$extra" | tee -a "$DIR/summary.txt"
done

{
	echo "total: $TRIALS trials of $N records, in-doubt=$IN_DOUBT, stub latency $LATENCY ms, ingestion lag $LAG ms," \
		"kill window ${WIN_FROM}-${WIN_TO} ms;" \
		"lost $total_lost, duplicates $total_dups, trials not completed $failed_trials"
	echo "columns: mode = how the kill moment was chosen; kill_ms = kill -9 this long after start;"
	echo "  at_kill = ids stored by the stub at the kill (progress mode: target was a random count);"
	echo "  reruns = exit codes of the re-runs (3 = completed with rejects); stored = ids stored in total;"
	echo "  lost = N - distinct stored; dups = stored - distinct; rejected = rows of backfill_reject over all runs"
	echo "  (e.g. records left in doubt by the kill; they count as lost unless the stub stored them);"
	echo "  found = logs in doubt that reconciliation found stored (not sent again); resent = logs in doubt sent again;"
	echo "  trial-T.status.txt: 'status ID' of the first trial's last run that had logs in doubt"
	echo "logs: $DIR"
} | tee -a "$DIR/summary.txt"
(( total_lost == 0 && failed_trials == 0 ))
