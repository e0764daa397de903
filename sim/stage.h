/* Link stages: the composable pieces a link direction is made of (after quicly's simulator,
 * where a link is a chain of delay / loss / bottleneck nodes).
 *
 * A datagram crosses a link direction as a "flight": the time it leaves the current stage, its
 * bytes, and a few flags. Each stage looks at the flight, may change its time (delays, queueing)
 * or its bytes (corruption), may ask for copies (duplication), and either passes it on or drops
 * it with a ztk_drop reason. Stages compute times instead of scheduling events, so a whole link
 * crossing costs one event in the queue (the arrival at the far end); stateful stages (the
 * bandwidth queue, FIFO jitter, the Gilbert-Elliott chain) keep their state in the stage.
 *
 * Randomness comes from the link direction's own stream, passed in. Stages are plain data
 * (copyable, no pointers except a custom stage's callback), built with the constructors below.
 *
 * Internal header: not a stable API. */
#ifndef ZTK_SIM_STAGE_H
#define ZTK_SIM_STAGE_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/drop.h"
#include "sim/rng.h"

typedef enum ztk_dist_kind {
  ZTK_DIST_NONE = 0,
  ZTK_DIST_UNIFORM,     /* uniform in [a, b] us */
  ZTK_DIST_NORMAL,      /* mean a us, standard deviation b us, negative draws count as 0 */
  ZTK_DIST_EXPONENTIAL, /* mean a us */
  ZTK_DIST_PARETO,      /* Pareto(scale a us, shape b) minus a: a heavy tail starting at 0 */
} ztk_dist_kind;

/* A random delay distribution. cap_us > 0 bounds every draw (heavy tails need one). */
typedef struct ztk_dist {
  ztk_dist_kind kind;
  double a, b;
  int64_t cap_us;
} ztk_dist;

/* Draws a delay in microseconds, >= 0 and <= cap_us when a cap is set. */
int64_t ztk_dist_draw(const ztk_dist *d, ztk_rng *g);

#define ZTK_FLIGHT_QUEUED 0x01    /* waited in a bandwidth queue */
#define ZTK_FLIGHT_CORRUPTED 0x02 /* bits were flipped */
#define ZTK_FLIGHT_REORDERED 0x04 /* held back by a reordering stage */
#define ZTK_FLIGHT_COPY 0x08      /* a duplicate made on this link */

typedef struct ztk_flight {
  int64_t t_us;          /* when it leaves the stage being applied */
  uint8_t *data;         /* UDP payload; stages may change it */
  uint32_t len;          /* payload bytes */
  uint32_t wire_len;     /* IP packet bytes (payload + UDP + IP headers): MTU and bandwidth */
  uint32_t copies;       /* out: copies requested by a duplication stage */
  int64_t copy_delay_us; /* out: how much later each copy follows */
  uint32_t backlog;      /* out: bytes queued ahead of it at a bandwidth stage */
  uint8_t flags;         /* ZTK_FLIGHT_* */
  void *owner;           /* the fabric's datagram behind this flight; stages leave it alone */
} ztk_flight;

/* A custom stage: returns ZTK_DROP_NONE to pass the flight on or a drop reason (normally
 * ZTK_DROP_FILTER). It may change f->t_us (never to an earlier time) and f->data. */
typedef int (*ztk_stage_fn)(void *ctx, ztk_flight *f, ztk_rng *rng);

typedef enum ztk_stage_kind {
  ZTK_STAGE_MTU = 1,
  ZTK_STAGE_RATE,    /* bandwidth with a byte-limited drop-tail FIFO */
  ZTK_STAGE_LOSS,    /* uniform loss */
  ZTK_STAGE_GE,      /* Gilbert-Elliott bursty loss */
  ZTK_STAGE_CORRUPT, /* bit flips */
  ZTK_STAGE_DUP,     /* duplication */
  ZTK_STAGE_DELAY,   /* constant + random delay (independent per datagram: may reorder) */
  ZTK_STAGE_JITTER,  /* random delay that never reorders (FIFO) */
  ZTK_STAGE_REORDER, /* hold some datagrams back so later ones overtake them */
  ZTK_STAGE_CUSTOM,
} ztk_stage_kind;

#define ZTK_STAGE_DEFAULT_QUEUE (256u * 1024u)

typedef struct ztk_stage {
  ztk_stage_kind kind;
  union {
    struct {
      uint32_t max;
    } mtu;
    struct {
      uint64_t bps;
      uint32_t queue_bytes;
      int64_t busy_until_ns;
    } rate;
    struct {
      double p;
    } loss;
    struct {
      double p_gb, p_bg, loss_good, loss_bad;
      bool bad;
    } ge;
    struct {
      double p;
      uint32_t bits;
    } corrupt;
    struct {
      double p;
      int64_t delay_us;
    } hold; /* DUP: the copy's lag; REORDER: the hold */
    struct {
      int64_t base_us;
      ztk_dist dist;
    } delay;
    struct {
      int64_t max_us;
      int64_t last_us;
    } jitter;
    struct {
      ztk_stage_fn fn;
      void *ctx;
    } custom;
  } u;
} ztk_stage;

/* Constructors (probabilities are clamped to [0, 1] when applied). */
ztk_stage ztk_stage_mtu(uint32_t max_ip_bytes);
/* queue_bytes 0 picks ZTK_STAGE_DEFAULT_QUEUE; large queues model bufferbloat. */
ztk_stage ztk_stage_rate(uint64_t bits_per_sec, uint32_t queue_bytes);
ztk_stage ztk_stage_loss(double p);
/* p_gb: good->bad per datagram, p_bg: bad->good; loss probability in each state. */
ztk_stage ztk_stage_ge(double p_gb, double p_bg, double loss_good, double loss_bad);
ztk_stage ztk_stage_corrupt(double p, uint32_t bits);
ztk_stage ztk_stage_dup(double p, int64_t copy_delay_us);
ztk_stage ztk_stage_delay(int64_t base_us, ztk_dist dist);
ztk_stage ztk_stage_jitter(int64_t max_us);
ztk_stage ztk_stage_reorder(double p, int64_t hold_us);
ztk_stage ztk_stage_custom(ztk_stage_fn fn, void *ctx);

/* Applies one stage to a flight. Returns ZTK_DROP_NONE (pass) or the drop reason. */
int ztk_stage_apply(ztk_stage *s, ztk_flight *f, ztk_rng *rng);

/* Forgets a stage's state (queue drained, Gilbert-Elliott back to good). */
void ztk_stage_reset(ztk_stage *s);

#endif
