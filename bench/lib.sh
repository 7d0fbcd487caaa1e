# Shared helpers for bench/run.sh and bench/kill-test.sh (sourced, not run).
# Everything talks to 127.0.0.1 only. Every wait is bounded.

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$BENCH_DIR/.." && pwd)"
OUT="$BENCH_DIR/out"
CLASSES="$OUT/classes"
JAR="${BENCH_JAR:-$ROOT/target/keywords-backfill.jar}"
PGHOST_="${BENCH_PGHOST:-127.0.0.1}"
PGPORT_="${BENCH_PGPORT:-5432}"
PGUSER_="${BENCH_PGUSER:-postgres}"
export KEYWORDSAI_API_KEY="${KEYWORDSAI_API_KEY:-bench-key}"
# never route the local traffic through a proxy
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY
export no_proxy=127.0.0.1,localhost NO_PROXY=127.0.0.1,localhost

mkdir -p "$OUT"

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 2; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# Compile the bench Java sources once (faster than the source launcher on every start).
compile_bench() {
	mkdir -p "$CLASSES"
	local stamp="$CLASSES/.stamp"
	if [[ ! -f "$stamp" ]] || [[ -n "$(find "$BENCH_DIR" -maxdepth 1 -name '*.java' -newer "$stamp")" ]]; then
		javac -d "$CLASSES" "$BENCH_DIR"/StubServer.java "$BENCH_DIR"/GenerateBatch.java "$BENCH_DIR"/NaivePeer.java \
			|| die "javac failed"
		touch "$stamp"
	fi
}

# Build the application jar if it is missing (offline first, then online).
ensure_jar() {
	if [[ -f "$JAR" ]]; then return 0; fi
	log "building $JAR"
	(cd "$ROOT" && { timeout 1800 ./mvnw -q -o -DskipTests package || timeout 1800 ./mvnw -q -DskipTests package; }) \
		|| die "build failed"
	[[ -f "$JAR" ]] || die "build did not produce $JAR"
}

# split_data FILE F -> prints the path of a directory holding FILE's lines split into F files (cached)
split_data() {
	local dir="${1%.jsonl}-in-$2-files"
	if [[ "$(find "$dir" -name '*.jsonl' 2>/dev/null | wc -l)" != "$2" ]]; then
		rm -rf "$dir" && mkdir -p "$dir"
		split -n "l/$2" -d -a 4 --additional-suffix=.jsonl "$1" "$dir/day-"
	fi
	echo "$dir"
}

# generate_data N -> prints the path of a (cached, deterministic) data file with N records
generate_data() {
	local n="$1" f="$OUT/data/together-batch-$1.jsonl"
	mkdir -p "$OUT/data"
	if [[ ! -s "$f" ]] || [[ "$(wc -l < "$f")" -ne "$n" ]]; then
		java -cp "$CLASSES" GenerateBatch "$f.tmp" "$n" >&2 || die "data generation failed"
		mv "$f.tmp" "$f"
	fi
	echo "$f"
}

psql_() { psql -h "$PGHOST_" -p "$PGPORT_" -U "$PGUSER_" -d postgres -v ON_ERROR_STOP=1 -qAt "$@"; }

CREATED_DBS=()
create_db() { # create_db NAME
	psql_ -c "DROP DATABASE IF EXISTS $1" >/dev/null 2>&1 || true
	psql_ -c "CREATE DATABASE $1" >/dev/null || die "cannot create database $1 (is PostgreSQL on $PGHOST_:$PGPORT_ with trust auth?)"
	CREATED_DBS+=("$1")
}
drop_db() { psql_ -c "DROP DATABASE IF EXISTS $1 WITH (FORCE)" >/dev/null 2>&1 || true; }
drop_all_dbs() { local d; for d in "${CREATED_DBS[@]:-}"; do [[ -n "$d" ]] && drop_db "$d"; done; CREATED_DBS=(); }

# start_stub PORT LATENCY_MS IDLOG [INGEST_LAG_MS] -> sets STUB_PID; waits (bounded) for READY
STUB_PID=""
start_stub() {
	local port="$1" latency="$2" idlog="$3" lag="${4:-0}" out="$OUT/stub-$1.out"
	: > "$out"
	java -Xmx1g ${STUB_JAVA_OPTS:-} -cp "$CLASSES" StubServer "$port" --latency-ms "$latency" ${idlog:+--log "$idlog"} \
		--ingest-lag-ms "$lag" > "$out" 2>&1 &
	STUB_PID=$!
	local i
	for i in $(seq 1 150); do
		if grep -q '^READY' "$out"; then return 0; fi
		if ! kill -0 "$STUB_PID" 2>/dev/null; then cat "$out" >&2; die "stub server did not start on port $port"; fi
		sleep 0.1
	done
	stop_stub
	die "stub server not ready after 15 s"
}
stop_stub() {
	if [[ -n "$STUB_PID" ]] && kill -0 "$STUB_PID" 2>/dev/null; then
		kill "$STUB_PID" 2>/dev/null || true
		local i
		for i in $(seq 1 50); do kill -0 "$STUB_PID" 2>/dev/null || break; sleep 0.1; done
		kill -9 "$STUB_PID" 2>/dev/null || true
		wait "$STUB_PID" 2>/dev/null || true
	fi
	STUB_PID=""
}
stub_stats() { curl -s --max-time 10 "http://127.0.0.1:$1/stats"; }
stub_reset() { curl -s --max-time 10 -X POST "http://127.0.0.1:$1/reset" >/dev/null; }

# json_num JSON KEY -> the number value of a top-level key (good enough for /stats)
json_num() { sed -n "s/.*\"$2\":\([0-9]*\).*/\1/p" <<<"$1"; }

# median of the numbers given as arguments
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {if (NR==0) {print "nan"} else if (NR%2) {print a[(NR+1)/2]} else {print (a[NR/2]+a[NR/2+1])/2}}'; }
max_of() { printf '%s\n' "$@" | sort -g | tail -1; }

# import_env DB PORT: the environment the application reads
import_env() {
	echo "KEYWORDSAI_BASE_URL=http://127.0.0.1:$2/api"
	echo "SPRING_DATASOURCE_URL=jdbc:postgresql://$PGHOST_:$PGPORT_/$1"
	echo "SPRING_DATASOURCE_USERNAME=$PGUSER_"
	echo "SPRING_DATASOURCE_PASSWORD="
}
