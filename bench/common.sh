# Sourced by the bench scripts: a free loopback port, waiting for a URL to answer, and the
# processes a script started (`pids`), killed on exit with whatever `cleanup_extra` adds.
pids=()
cleanup_extra() { :; }
bench_cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  cleanup_extra
}
trap bench_cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# Up to 20 seconds.
wait_for() { for _ in $(seq 200); do curl -sf "$1" >/dev/null 2>&1 && return 0; sleep 0.1; done; return 1; }
