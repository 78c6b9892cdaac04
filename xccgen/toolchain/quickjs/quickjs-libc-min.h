/* The small part of quickjs-libc that near-sdk-js contracts need (written for xccgen).
   A contract has no files, OS or event loop: it loads its precompiled module, calls one
   exported method and drains the promise jobs that call queued. */
#ifndef QUICKJS_LIBC_MIN_H
#define QUICKJS_LIBC_MIN_H

#include <stdio.h>
#include <stdlib.h>
#include "quickjs.h"
#include "cutils.h" /* builder.c uses its TRUE/FALSE */

/* Read bytecode written by qjsc -m, link and evaluate the module; return its namespace. */
JSValue js_load_module_binary(JSContext *ctx, const uint8_t *buf, size_t buf_len);
/* Run every pending job (promise reactions) until none is left. */
void js_std_loop(JSContext *ctx);
void js_std_add_helpers(JSContext *ctx, int argc, char **argv);
void js_std_dump_error(JSContext *ctx);
int js_module_set_import_meta(JSContext *ctx, JSValueConst func_val, JS_BOOL use_realpath,
                              JS_BOOL is_main);
void js_std_init_handlers(JSRuntime *rt);

#endif /* QUICKJS_LIBC_MIN_H */
