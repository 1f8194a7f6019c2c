# bench/lib.sh — what the benchmarks share.  Sourced, never run; the script
# that sources it defines die() and TMP (its temporary folder, mode 0700).

# A free loopback port (python3 binds port 0; without it, random probing).
free_port() {
    if command -v python3 >/dev/null 2>&1; then
        python3 -c 'import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
        return
    fi
    local p _
    for _ in $(seq 1 200); do
        p=$((20000 + RANDOM % 40000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
            echo "$p"
            return
        fi
    done
    die "no free loopback port found"
}

# nginx_reference NGINX PORT "PATH CONTENT-TYPE"...: the reference server of
# the benchmarks, an unprivileged nginx with 1 worker and no access log,
# serving the files of $TMP/www at the exact PATHs given (anything else 404).
# Sets NGINX_PID and STATIC (its base URL); dies when it does not start.
nginx_reference() {
    local nginx=$1 port=$2 loc locations="" user_line="" nginx_v temp_paths m _
    shift 2
    for loc in "$@"; do
        locations+="        location = ${loc%% *} { default_type \"${loc#* }\"; }"$'\n'
    done
    # As root, nginx would switch its worker to `nobody`, which cannot read the
    # 0700 temp dir; as any other user the `user` directive is ignored with a warning.
    [[ $(id -u) -eq 0 ]] && user_line="user root root;"
    # Temp paths default to /var/lib/nginx/... (not writable unless root): put them
    # in $TMP, for the modules this build has.
    nginx_v=$("$nginx" -V 2>&1)
    temp_paths="client_body_temp_path $TMP/nginx-tmp/body;"
    for m in proxy fastcgi uwsgi scgi; do
        if [[ $nginx_v != *"--without-http_${m}_module"* ]]; then
            temp_paths+=$'\n'"    ${m}_temp_path $TMP/nginx-tmp/$m;"
        fi
    done
    mkdir -p "$TMP/nginx-tmp"
    cat >"$TMP/nginx.conf" <<NGINX
$user_line
daemon off;
master_process on;
worker_processes 1;
pid $TMP/nginx.pid;
error_log $TMP/nginx-error.log warn;

events {
    worker_connections 1024;
}

http {
    access_log off;
    $temp_paths
    keepalive_requests 1000000;
    keepalive_timeout 65;
    sendfile on;
    open_file_cache max=16 inactive=60s;   # no open/fstat/close per request
    open_file_cache_valid 60s;
    tcp_nopush on;
    server_tokens off;

    server {
        listen 127.0.0.1:$port;
        root $TMP/www;
$locations        location / { return 404; }
    }
}
NGINX
    "$nginx" -t -q -p "$TMP" -e "$TMP/nginx-error.log" -c "$TMP/nginx.conf" \
        >"$TMP/nginx-test.log" 2>&1 || { cat "$TMP/nginx-test.log" >&2; die "nginx config test failed"; }
    "$nginx" -p "$TMP" -e "$TMP/nginx-error.log" -c "$TMP/nginx.conf" >"$TMP/nginx.log" 2>&1 &
    NGINX_PID=$!
    STATIC="http://127.0.0.1:$port"
    local first=${1%% *}
    for _ in $(seq 1 150); do
        curl -sf -o /dev/null --max-time 1 "$STATIC$first" && return 0
        kill -0 "$NGINX_PID" 2>/dev/null || { cat "$TMP/nginx-error.log" >&2; die "nginx exited at start"; }
        sleep 0.1
    done
    die "nginx did not answer $STATIC$first within 15 s"
}
