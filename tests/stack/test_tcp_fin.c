/* A FIN is never lost: the end of a stream always reaches a slow reader, whatever the window
 * (libzt drops in-window segments and even FINs when its mailbox is full; here received data
 * stays in the socket and the FIN is a flag). */
#include "tests/support/vectors.h"

#include <string.h>

#include "lwip/opt.h"
#include "tests/support/stack_harness.h"

#define NWID 0x8056c2e21c000003ull

typedef struct fin_env {
  sh_two t;
  ztk_wire *w;
  ztk_sock *l, *c, *s;
} fin_env;

static void fin_up(fin_env *e, int rcvbuf)
{
  memset(e, 0, sizeof *e);
  sh_two_up(&e->t, 20, 0, NWID, 0x32000000a002ull, "10.3.0.1/24", NULL, 0x32000000b002ull,
            "10.3.0.2/24", NULL);
  e->w = e->t.w;
  ztk_inaddr any = sh_addr("0.0.0.0/6000");
  assert_int_equal(ztk_sock_new(&e->l, e->t.b, 4, ZTK_SOCK_STREAM), 0);
  if (rcvbuf > 0)
    assert_int_equal(ztk_sock_setopt(e->l, ZTK_SO_RCVBUF, rcvbuf), 0);
  assert_int_equal(ztk_sock_bind(e->l, &any), 0);
  assert_int_equal(ztk_sock_listen(e->l, 4), 0);
  sh_connect_pair(&e->w, 1, e->t.a, e->l, "10.3.0.2/6000", &e->c, &e->s);
}

static void fin_down(fin_env *e)
{
  ztk_sock_close(e->c);
  ztk_sock_close(e->s);
  ztk_sock_close(e->l);
  sh_two_down(&e->t);
}

/* The writer side: send everything, then FIN. */
static bool writer_pump(void *ctx)
{
  return sh_stream_pump(ctx);
}

static bool all_sent_and_shut(void *ctx)
{
  sh_stream *st = ctx;
  return st->shut;
}

/* A reader taking one chunk per step of the virtual clock. Once the first (1 MiB - rcvbuf)
 * bytes were read the window must have settled: no more than rcvbuf bytes wait unread. */
typedef struct slow_reader {
  sh_stream *st;
  long rcvbuf;
  long worst; /* most unread bytes seen after the window settled */
} slow_reader;

static bool slow_pump(void *ctx)
{
  slow_reader *r = ctx;
  sh_stream_pump(r->st); /* writes what it can, reads at most rx_calls_per_pump chunks */
  if (r->st->got > (uint64_t)(1 << 20) - (uint64_t)r->rcvbuf + (uint64_t)r->rcvbuf * 2) {
    long unread = ztk_sock_nread(r->st->rx);
    if (unread > r->worst)
      r->worst = unread;
  }
  return false; /* let time move between reads */
}

static bool reader_done(void *ctx)
{
  slow_reader *r = ctx;
  return r->st->eof;
}

static void fin_case(int rcvbuf, uint64_t total, size_t chunk, int64_t pause_ms)
{
  fin_env e;
  fin_up(&e, rcvbuf);
  sh_stream st = {.tx = e.c, .seed = 21, .total = total, .close_when_sent = true};
  /* the reader does nothing for a while: the window fills, the FIN is sent (or waits for the
   * window, if the data do not fit) */
  sh_run(&e.w, 1, pause_ms, writer_pump, all_sent_and_shut, &st);
  sh_advance(&e.w, 1, pause_ms);
  st.rx = e.s;
  st.rx_chunk = chunk;
  st.rx_calls_per_pump = 1;
  /* the window never settles below two segments, whatever SO_RCVBUF says (see sock_tcp.c) */
  long window = rcvbuf <= 0 ? 1 << 20 : rcvbuf < 2 * TCP_MSS ? 2 * TCP_MSS : rcvbuf;
  slow_reader r = {&st, window, 0};
  assert_true(sh_run(&e.w, 1, 3600 * 1000, slow_pump, reader_done, &r));
  assert_int_equal(st.err, 0);
  assert_true(r.worst <= r.rcvbuf);
  assert_false(st.bad);
  assert_int_equal(st.got, total);
  assert_int_equal(st.hash_rx, st.hash_tx);
  fin_down(&e);
}

static void test_fin_after_data_that_fits(void **state)
{
  fin_env e;
  char buf[4096];
  fin_up(&e, 0);
  sh_stream st = {.tx = e.c, .seed = 22, .total = 600 * 1024, .close_when_sent = true};
  sh_run(&e.w, 1, 10000, writer_pump, all_sent_and_shut, &st);
  sh_advance(&e.w, 1, 2000);
  /* everything and the FIN arrived while nobody read */
  unsigned ev = ztk_sock_events(e.s);
  assert_true(ev & ZTK_SOCK_EV_RDHUP);
  assert_true(ev & ZTK_SOCK_EV_IN);
  assert_int_equal(ztk_sock_nread(e.s), 600 * 1024);
  long total = 0, n;
  while ((n = ztk_sock_recv(e.s, buf, sizeof buf, 0)) > 0)
    total += n;
  assert_int_equal(n, 0);
  assert_int_equal(total, 600 * 1024);
  fin_down(&e);
}

static void test_fin_large_window_slow_reader(void **state)
{
  fin_case(0, 3 << 20, 1400, 30000);
}

/* SO_RCVBUF 4 KiB: past the first MiB the window stays at 4 KiB, often zero; the FIN waits for
 * window space and still arrives. */
static void test_fin_small_window_slow_reader(void **state)
{
  fin_case(4096, (1 << 20) + 300 * 1024, 4000, 30000);
}

/* Exactly one full window, then FIN: the FIN meets a zero window. */
static void test_fin_exactly_one_window(void **state)
{
  fin_case(0, 1 << 20, 3000, 10000);
}

/* A window smaller than the segment that carries the end of the stream, and nothing in flight:
 * the sender splits that segment to fit the window. The FIN must stay behind the last byte
 * (lwIP 2.1.3 left it on the first part, and the peer saw a clean end of stream hundreds of
 * bytes early). Sizes vary so the last segment is split at different offsets. */
static void test_fin_behind_a_split_segment(void **state)
{
  static const int rcvbufs[] = {3000, 8000};
  static const size_t chunks[] = {700, 1000, 1400};
  for (int i = 0; i < 2; i++)
    for (int j = 0; j < 3; j++)
      fin_case(rcvbufs[i], (1 << 20) + 100 * 1024 + 777u * (unsigned)j + 13u * (unsigned)i,
               chunks[j], 5000);
}

/* SO_RCVBUF below one segment: the connection still moves (such a window could stay announced
 * as zero for ever) and ends with every byte. */
static void test_rcvbuf_below_one_segment(void **state)
{
  fin_case(600, (1 << 20) + 64 * 1024, 300, 5000);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_fin_after_data_that_fits),
      cmocka_unit_test(test_fin_large_window_slow_reader),
      cmocka_unit_test(test_fin_small_window_slow_reader),
      cmocka_unit_test(test_fin_exactly_one_window),
      cmocka_unit_test(test_fin_behind_a_split_segment),
      cmocka_unit_test(test_rcvbuf_below_one_segment),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
