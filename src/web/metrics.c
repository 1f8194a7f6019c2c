#include "web/metrics.h"
#include "web/router.h"

#include <stdint.h>

#define MAX_ROUTES 256
static const int codes[] = { 200, 201, 204, 301, 302, 303, 304, 400, 401, 403, 404,
			     405, 409, 413, 415, 422, 429, 500, 503, 0 /* other */ };
#define NCODES (sizeof codes / sizeof codes[0])
static const double bounds[] = { 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5 };
#define NBOUNDS (sizeof bounds / sizeof bounds[0])

static uint64_t counts[MAX_ROUTES + 1][NCODES];
static uint64_t hist[NBOUNDS + 1];
static uint64_t hist_sum_us;
static int64_t open_conns;
static uint64_t conns_total;
static uint64_t lane_abandoned;

static size_t code_slot(int status)
{
	for (size_t i = 0; i < NCODES - 1; i++)
		if (codes[i] == status)
			return i;
	return NCODES - 1;
}

void metrics_request(int route_index, int status, double seconds)
{
	size_t r = (route_index < 0 || route_index >= MAX_ROUTES) ? MAX_ROUTES : (size_t)route_index;
	__atomic_fetch_add(&counts[r][code_slot(status)], 1, __ATOMIC_RELAXED);
	size_t b = 0;
	while (b < NBOUNDS && seconds > bounds[b])
		b++;
	__atomic_fetch_add(&hist[b], 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&hist_sum_us, (uint64_t)(seconds * 1e6), __ATOMIC_RELAXED);
}

void metrics_connection(int delta)
{
	__atomic_fetch_add(&open_conns, delta, __ATOMIC_RELAXED);
	if (delta > 0)
		__atomic_fetch_add(&conns_total, 1, __ATOMIC_RELAXED);
}

void metrics_lane_abandoned(void)
{
	__atomic_fetch_add(&lane_abandoned, 1, __ATOMIC_RELAXED);
}

void metrics_render(struct buf *o)
{
	buf_puts(o, "# HELP nadiya_http_requests_total HTTP requests answered, by route and status.\n"
		    "# TYPE nadiya_http_requests_total counter\n");
	for (size_t r = 0; r <= MAX_ROUTES; r++) {
		if (r < MAX_ROUTES && r >= routes_count)
			continue;
		for (size_t c = 0; c < NCODES; c++) {
			uint64_t v = __atomic_load_n(&counts[r][c], __ATOMIC_RELAXED);
			if (v == 0)
				continue;
			const char *route = r < MAX_ROUTES ? routes[r].pattern : "unmatched";
			const char *method = r < MAX_ROUTES ? routes[r].method : "";
			if (codes[c])
				buf_printf(o, "nadiya_http_requests_total{method=\"%s\",route=\"%s\",status=\"%d\"} %llu\n",
					   method, route, codes[c], (unsigned long long)v);
			else
				buf_printf(o, "nadiya_http_requests_total{method=\"%s\",route=\"%s\",status=\"other\"} %llu\n",
					   method, route, (unsigned long long)v);
		}
	}
	buf_puts(o, "# HELP nadiya_http_request_duration_seconds Time from request line to request completed.\n"
		    "# TYPE nadiya_http_request_duration_seconds histogram\n");
	uint64_t cum = 0;
	for (size_t b = 0; b <= NBOUNDS; b++) {
		cum += __atomic_load_n(&hist[b], __ATOMIC_RELAXED);
		if (b < NBOUNDS)
			buf_printf(o, "nadiya_http_request_duration_seconds_bucket{le=\"%g\"} %llu\n", bounds[b],
				   (unsigned long long)cum);
		else
			buf_printf(o, "nadiya_http_request_duration_seconds_bucket{le=\"+Inf\"} %llu\n",
				   (unsigned long long)cum);
	}
	buf_printf(o, "nadiya_http_request_duration_seconds_sum %.6f\n",
		   (double)__atomic_load_n(&hist_sum_us, __ATOMIC_RELAXED) / 1e6);
	buf_printf(o, "nadiya_http_request_duration_seconds_count %llu\n", (unsigned long long)cum);
	buf_printf(o, "# HELP nadiya_http_open_connections Connections open now.\n"
		      "# TYPE nadiya_http_open_connections gauge\nnadiya_http_open_connections %lld\n",
		   (long long)__atomic_load_n(&open_conns, __ATOMIC_RELAXED));
	buf_printf(o, "# HELP nadiya_http_connections_total Connections accepted.\n"
		      "# TYPE nadiya_http_connections_total counter\nnadiya_http_connections_total %llu\n",
		   (unsigned long long)__atomic_load_n(&conns_total, __ATOMIC_RELAXED));
	buf_printf(o, "# HELP nadiya_slow_lane_abandoned_total Sign-ins dropped unhashed: the client had hung up.\n"
		      "# TYPE nadiya_slow_lane_abandoned_total counter\nnadiya_slow_lane_abandoned_total %llu\n",
		   (unsigned long long)__atomic_load_n(&lane_abandoned, __ATOMIC_RELAXED));
}
