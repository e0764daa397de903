/* Symbol visibility for libztkit.so: only ZTK_API declarations are exported. */
#ifndef ZTKIT_EXPORT_H
#define ZTKIT_EXPORT_H
#if defined(__GNUC__) || defined(__clang__)
#define ZTK_API __attribute__((visibility("default")))
#else
#define ZTK_API
#endif
#endif
