/* metrics.h — counters for GET /metrics (Prometheus text format).
 * Lock-free (atomic counters); safe from any thread. */
#ifndef NADIYA_METRICS_H
#define NADIYA_METRICS_H

#include "base/buf.h"

/* route_index: index into routes[], or -1 for requests that matched no route. */
void metrics_request(int route_index, int status, double seconds);
void metrics_connection(int delta);
/* A request dropped from the slow lane because its client had hung up. */
void metrics_lane_abandoned(void);
void metrics_render(struct buf *out);

#endif
