#include "runtime/state_mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct mem_object {
  ztk_state_type type;
  uint64_t id[2];
  uint8_t *data;
  size_t len;
} mem_object;

typedef struct state_mem {
  ztk_state_store base;
  mem_object *objs; /* sorted by (type, id[0], id[1]) */
  size_t n, cap;
  size_t bytes;
} state_mem;

static const ztk_state_store_ops mem_ops;

static int key_cmp(const mem_object *o, ztk_state_type type, const uint64_t id[2])
{
  if (o->type != type)
    return o->type < type ? -1 : 1;
  for (int i = 0; i < 2; i++)
    if (o->id[i] != id[i])
      return o->id[i] < id[i] ? -1 : 1;
  return 0;
}

/* Index of the object, or of where it would be inserted (*found false). */
static size_t find(const state_mem *m, ztk_state_type type, const uint64_t id[2], bool *found)
{
  size_t lo = 0, hi = m->n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int c = key_cmp(&m->objs[mid], type, id);
    if (c == 0) {
      *found = true;
      return mid;
    }
    if (c < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  *found = false;
  return lo;
}

static bool known_type(ztk_state_type type)
{
  return (type >= ZTK_STATE_IDENTITY_PUBLIC && type <= ZTK_STATE_CONTROLLER) ||
         type == ZTK_STATE_NETWORK_SETTINGS;
}

static long mem_get(ztk_state_store *s, ztk_state_type type, const uint64_t id[2], void *buf,
                    size_t cap)
{
  state_mem *m = (state_mem *)s;
  bool found;
  size_t i = find(m, type, id, &found);
  if (!found)
    return ZTK_ENOTFOUND;
  if (m->objs[i].len > cap)
    return ZTK_ENOSPACE;
  memcpy(buf, m->objs[i].data, m->objs[i].len);
  return (long)m->objs[i].len;
}

static void remove_at(state_mem *m, size_t i)
{
  m->bytes -= m->objs[i].len;
  free(m->objs[i].data);
  memmove(&m->objs[i], &m->objs[i + 1], (m->n - i - 1) * sizeof m->objs[0]);
  m->n--;
}

static int insert_at(state_mem *m, size_t i, ztk_state_type type, const uint64_t id[2])
{
  if (m->n == ZTK_STATE_MEM_MAX_OBJECTS)
    return ZTK_ELIMIT;
  if (m->n == m->cap) {
    size_t cap = m->cap ? m->cap * 2 : 16;
    mem_object *o = realloc(m->objs, cap * sizeof *o);
    if (!o)
      return ZTK_ENOMEM;
    m->objs = o;
    m->cap = cap;
  }
  memmove(&m->objs[i + 1], &m->objs[i], (m->n - i) * sizeof m->objs[0]);
  m->objs[i] = (mem_object){type, {id[0], id[1]}, NULL, 0};
  m->n++;
  return 0;
}

static int mem_put(ztk_state_store *s, ztk_state_type type, const uint64_t id[2],
                   const void *data, size_t len)
{
  state_mem *m = (state_mem *)s;
  bool found;
  if (!known_type(type) || len > ZTK_STATE_OBJECT_MAX || (len && !data))
    return ZTK_EINVAL;
  size_t i = find(m, type, id, &found);
  if (!data || !len) {
    if (found)
      remove_at(m, i);
    return 0;
  }
  uint8_t *copy = malloc(len);
  int rc = copy ? 0 : ZTK_ENOMEM;
  if (!rc && !found)
    rc = insert_at(m, i, type, id);
  if (rc) {
    free(copy);
    s->failures++;
    snprintf(s->problem, sizeof s->problem, "memory state store: %s", ztk_strerror(rc));
    return rc;
  }
  memcpy(copy, data, len);
  m->bytes += len - m->objs[i].len;
  free(m->objs[i].data);
  m->objs[i].data = copy;
  m->objs[i].len = len;
  return 0;
}

static int mem_list(ztk_state_store *s, ztk_state_type type, uint64_t *ids, int max)
{
  state_mem *m = (state_mem *)s;
  int count = 0;
  for (size_t i = 0; i < m->n; i++) {
    if (m->objs[i].type != type || (count && i && m->objs[i - 1].type == type &&
                                    m->objs[i - 1].id[0] == m->objs[i].id[0]))
      continue; /* controller records share id[0] per network: list each once */
    if (count < max)
      ids[count] = m->objs[i].id[0];
    count++;
  }
  return count;
}

static void mem_free(ztk_state_store *s)
{
  state_mem *m = (state_mem *)s;
  for (size_t i = 0; i < m->n; i++)
    free(m->objs[i].data);
  free(m->objs);
  free(m);
}

static const ztk_state_store_ops mem_ops = {mem_get, mem_put, mem_list, mem_free};

int ztk_state_mem_new(ztk_state_store **out)
{
  if (!out)
    return ZTK_EINVAL;
  state_mem *m = calloc(1, sizeof *m);
  *out = NULL;
  if (!m)
    return ZTK_ENOMEM;
  m->base.ops = &mem_ops;
  m->base.kind = "mem";
  *out = &m->base;
  return 0;
}

int ztk_state_mem_usage(const ztk_state_store *s, size_t *objects, size_t *bytes)
{
  if (!s || s->ops != &mem_ops)
    return ZTK_EINVAL;
  const state_mem *m = (const state_mem *)s;
  if (objects)
    *objects = m->n;
  if (bytes)
    *bytes = m->bytes;
  return 0;
}
