# Sourced by the bench scripts: a free loopback port, waiting for a URL to answer or for a
# process to go quiet, and the processes a script started (`pids`), killed on exit with whatever
# `cleanup_extra` adds.
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
# Waits until process PID has been quiet (at most 2 clock ticks of CPU in 0.2 s) for 0.4 s, up to
# 15 seconds: what it does after a run (work a run left queued) is then not measured with the next.
settle() {  # pid
  local last now quiet=0
  last=$(awk '{print $14 + $15}' "/proc/$1/stat")
  for _ in $(seq 75); do
    sleep 0.2
    now=$(awk '{print $14 + $15}' "/proc/$1/stat")
    if [ $((now - last)) -le 2 ]; then quiet=$((quiet + 1)); else quiet=0; fi
    [ "$quiet" -lt 2 ] || return 0
    last=$now
  done
}
