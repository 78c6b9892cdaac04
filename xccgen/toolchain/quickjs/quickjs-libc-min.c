/* Minimal QuickJS host layer for near-sdk-js contracts (written for xccgen). */
#include "quickjs-libc-min.h"

#include <string.h>

#include "cutils.h"

static void dump_value(JSContext *ctx, FILE *f, JSValueConst val)
{
    const char *str = JS_ToCString(ctx, val);
    if (str) {
        fprintf(f, "%s\n", str);
        JS_FreeCString(ctx, str);
    } else {
        fprintf(f, "[exception]\n");
    }
}

void js_std_dump_error(JSContext *ctx)
{
    JSValue exception = JS_GetException(ctx);
    dump_value(ctx, stderr, exception);
    if (JS_IsError(ctx, exception)) {
        JSValue stack = JS_GetPropertyStr(ctx, exception, "stack");
        if (!JS_IsUndefined(stack))
            dump_value(ctx, stderr, stack);
        JS_FreeValue(ctx, stack);
    }
    JS_FreeValue(ctx, exception);
}

static JSValue js_print(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    for (int i = 0; i < argc; i++) {
        size_t len;
        const char *str = JS_ToCStringLen(ctx, &len, argv[i]);
        if (!str)
            return JS_EXCEPTION;
        if (i != 0)
            putchar(' ');
        fwrite(str, 1, len, stdout);
        JS_FreeCString(ctx, str);
    }
    putchar('\n');
    return JS_UNDEFINED;
}

void js_std_add_helpers(JSContext *ctx, int argc, char **argv)
{
    JSValue global = JS_GetGlobalObject(ctx);
    JSValue console = JS_NewObject(ctx);
    JS_SetPropertyStr(ctx, console, "log", JS_NewCFunction(ctx, js_print, "log", 1));
    JS_SetPropertyStr(ctx, global, "console", console);
    if (argc >= 0) {
        JSValue args = JS_NewArray(ctx);
        for (int i = 0; i < argc; i++)
            JS_SetPropertyUint32(ctx, args, i, JS_NewString(ctx, argv[i]));
        JS_SetPropertyStr(ctx, global, "scriptArgs", args);
    }
    JS_SetPropertyStr(ctx, global, "print", JS_NewCFunction(ctx, js_print, "print", 1));
    JS_FreeValue(ctx, global);
}

void js_std_loop(JSContext *ctx)
{
    JSContext *job_ctx;
    int status;
    /* No timers or I/O in a contract: only the job queue. */
    while ((status = JS_ExecutePendingJob(JS_GetRuntime(ctx), &job_ctx)) != 0) {
        if (status < 0) {
            js_std_dump_error(job_ctx);
            break;
        }
    }
}

int js_module_set_import_meta(JSContext *ctx, JSValueConst func_val, JS_BOOL use_realpath,
                              JS_BOOL is_main)
{
    /* Bytecode modules have no file on disk, so the URL is built from the module name and
       use_realpath is ignored. */
    char url[1024];
    JSModuleDef *m = JS_VALUE_GET_PTR(func_val);
    JSAtom name_atom = JS_GetModuleName(ctx, m);
    const char *name = JS_AtomToCString(ctx, name_atom);
    JS_FreeAtom(ctx, name_atom);
    (void)use_realpath;
    if (!name)
        return -1;
    if (strchr(name, ':')) {
        pstrcpy(url, sizeof(url), name);
    } else {
        pstrcpy(url, sizeof(url), "file://");
        pstrcat(url, sizeof(url), name);
    }
    JS_FreeCString(ctx, name);
    JSValue meta = JS_GetImportMeta(ctx, m);
    if (JS_IsException(meta))
        return -1;
    JS_DefinePropertyValueStr(ctx, meta, "url", JS_NewString(ctx, url), JS_PROP_C_W_E);
    JS_DefinePropertyValueStr(ctx, meta, "main", JS_NewBool(ctx, is_main), JS_PROP_C_W_E);
    JS_FreeValue(ctx, meta);
    return 0;
}

JSValue js_load_module_binary(JSContext *ctx, const uint8_t *buf, size_t buf_len)
{
    JSValue module = JS_ReadObject(ctx, buf, buf_len, JS_READ_OBJ_BYTECODE);
    if (JS_IsException(module))
        goto fail;
    if (JS_VALUE_GET_TAG(module) != JS_TAG_MODULE) {
        JS_FreeValue(ctx, module);
        JS_ThrowTypeError(ctx, "bytecode is not a module (compile it with qjsc -m)");
        goto fail;
    }
    if (JS_ResolveModule(ctx, module) < 0) {
        JS_FreeValue(ctx, module);
        goto fail;
    }
    if (js_module_set_import_meta(ctx, module, FALSE, FALSE) < 0)
        goto fail;
    /* JS_EvalFunction consumes one reference; the module itself stays owned by the context. */
    JSModuleDef *m = JS_VALUE_GET_PTR(module);
    JSValue result = JS_EvalFunction(ctx, module);
    if (JS_IsException(result))
        goto fail;
    JS_FreeValue(ctx, result);
    return js_get_module_ns(ctx, m);
fail:
    js_std_dump_error(ctx);
    exit(1);
}

/* A contract has no OS handlers; kept for API compatibility with quickjs-libc. */
void js_std_init_handlers(JSRuntime *rt)
{
    (void)rt;
}
