/* A minimal qjsc for near-sdk-js (written for xccgen).
 *
 * near-sdk-js runs `qjsc -c -m -o OUT.h -N code IN.js`: compile one bundled ES module to
 * QuickJS bytecode and write it as a C header declaring `code` and `code_size`. This driver
 * does exactly that with the same engine sources the contract is built from, so the bytecode
 * format always matches the engine that reads it. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "quickjs.h"

static void usage(void)
{
    fprintf(stderr, "usage: qjsc -c -m -o OUT.h [-N NAME] IN.js\n"
                    "Compile an ES module to QuickJS bytecode as a C header.\n");
    exit(2);
}

static void die_with_exception(JSContext *ctx, const char *what)
{
    JSValue exc = JS_GetException(ctx);
    const char *msg = JS_ToCString(ctx, exc);
    fprintf(stderr, "qjsc: %s: %s\n", what, msg ? msg : "[exception]");
    if (msg)
        JS_FreeCString(ctx, msg);
    if (JS_IsError(ctx, exc)) {
        JSValue stack = JS_GetPropertyStr(ctx, exc, "stack");
        const char *s = JS_ToCString(ctx, stack);
        if (s && *s)
            fprintf(stderr, "%s\n", s);
        if (s)
            JS_FreeCString(ctx, s);
        JS_FreeValue(ctx, stack);
    }
    exit(1);
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        exit(1);
    }
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc(size + 1);
    if (!buf || fread(buf, 1, size, f) != (size_t)size) {
        fprintf(stderr, "qjsc: cannot read %s\n", path);
        exit(1);
    }
    buf[size] = '\0'; /* JS_Eval wants a terminating NUL */
    fclose(f);
    *len = size;
    return buf;
}

/* The input is a rollup bundle: an import left in it would need a second module the contract
   cannot load, so it is an error here rather than at call time. */
static JSModuleDef *reject_imports(JSContext *ctx, const char *name, void *opaque)
{
    (void)opaque;
    JS_ThrowReferenceError(ctx, "cannot import '%s': the contract must be a single bundled module",
                           name);
    return NULL;
}

int main(int argc, char **argv)
{
    const char *out_path = NULL, *c_name = "qjsc_code", *in_path = NULL;
    int as_c = 0, as_module = 0;

    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-c"))
            as_c = 1;
        else if (!strcmp(argv[i], "-m"))
            as_module = 1;
        else if (!strcmp(argv[i], "-o") && i + 1 < argc)
            out_path = argv[++i];
        else if (!strcmp(argv[i], "-N") && i + 1 < argc)
            c_name = argv[++i];
        else if (argv[i][0] == '-' || in_path)
            usage();
        else
            in_path = argv[i];
    }
    /* Only the mode near-sdk-js uses: C output of one module. */
    if (!as_c || !as_module || !out_path || !in_path)
        usage();

    JSRuntime *rt = JS_NewRuntime();
    JSContext *ctx = JS_NewContext(rt);
    JS_SetModuleLoaderFunc(rt, NULL, reject_imports, NULL);

    size_t src_len;
    char *src = read_file(in_path, &src_len);
    JSValue obj = JS_Eval(ctx, src, src_len, in_path,
                          JS_EVAL_TYPE_MODULE | JS_EVAL_FLAG_COMPILE_ONLY);
    if (JS_IsException(obj))
        die_with_exception(ctx, in_path);
    free(src);

    size_t len;
    uint8_t *bytecode = JS_WriteObject(ctx, &len, obj, JS_WRITE_OBJ_BYTECODE);
    if (!bytecode)
        die_with_exception(ctx, "writing bytecode");

    FILE *out = fopen(out_path, "w");
    if (!out) {
        perror(out_path);
        return 1;
    }
    fprintf(out, "/* QuickJS bytecode of %s, written by xccgen's qjsc. */\n\n", in_path);
    fprintf(out, "#include <inttypes.h>\n\n");
    fprintf(out, "const uint32_t %s_size = %zu;\n\n", c_name, len);
    fprintf(out, "const uint8_t %s[%zu] = {\n", c_name, len);
    for (size_t i = 0; i < len; i++)
        fprintf(out, " 0x%02x,%s", bytecode[i], (i % 16 == 15 || i + 1 == len) ? "\n" : "");
    fprintf(out, "};\n");
    if (fclose(out) != 0) {
        perror(out_path);
        return 1;
    }

    js_free(ctx, bytecode);
    JS_FreeValue(ctx, obj);
    JS_FreeContext(ctx);
    JS_FreeRuntime(rt);
    return 0;
}
