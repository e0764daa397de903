/* The local settings of a joined network, as zerotier-one keeps them in
 * networks.d/<nwid>.local.conf: whether the host may take the managed addresses the controller
 * assigns (allowManaged), global addresses (allowGlobal), a default route (allowDefault) and
 * the network's DNS servers (allowDNS). The text form is zerotier-one's: "allowManaged=1\n"
 * ... (values starting with 1, t or T are true). Internal header. */
#ifndef ZTK_RUNTIME_NET_SETTINGS_H
#define ZTK_RUNTIME_NET_SETTINGS_H

#include <stdbool.h>
#include <stddef.h>

#define ZTK_NET_SETTINGS_TEXT_MAX 4096 /* zerotier-one reads the file into 4096 bytes */

typedef struct ztk_net_settings {
  bool allow_managed, allow_global, allow_default, allow_dns;
} ztk_net_settings;

/* zerotier-one's defaults for a new network: managed addresses only. */
void ztk_net_settings_default(ztk_net_settings *s);

/* Reads the text form over *s: keys present set their value, absent keys keep theirs
 * (zerotier-one: allowManaged defaults to true, the others to false; call
 * ztk_net_settings_default first), unknown keys and lines without '=' are ignored; an
 * allowManaged value longer than 5 characters is zerotier-one's address whitelist and counts
 * as true. Returns 0 or one of: ZTK_EINVAL (NULL arguments), ZTK_ERANGE (longer than
 * ZTK_NET_SETTINGS_TEXT_MAX). */
int ztk_net_settings_parse(ztk_net_settings *s, const char *text, size_t len);

/* Writes the text form (four lines, zerotier-one's order) into out, NUL-terminated. Returns
 * its length, or ZTK_ENOSPACE when cap is too small (64 bytes always suffice). */
int ztk_net_settings_format(const ztk_net_settings *s, char *out, size_t cap);

#endif
