/* Native events of the default node turned into libzt's event messages for the user's
 * handler. Runs on the service's callback thread only. Internal header. */
#ifndef ZTK_ZTS_EVENTS_H
#define ZTK_ZTS_EVENTS_H

#include "ztkit/node.h"

/* The service's event callback (user unused). */
void zts_ev_deliver(void *user, const ztk_event *ev);

/* Forgets which networks were reported ready (before a start). */
void zts_ev_reset(void);

#endif
