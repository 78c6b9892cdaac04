"""QuickJS 2021-03-27 as near-sdk-js 2.0.0 expects it: our edits, our qjsc and libc layer.

The engine sources come from the PyPI sdist `quickjs==1.19.4` (`upstream-quickjs/`). near-sdk-js
compiles them into every contract together with its `builder.c`, which needs a few functions
upstream keeps static or lacks; NEAR's own fork (github near/quickjs) is the behavioural
reference. Each edit below is small, explicit and checked: it must match exactly once, so a
different upstream version fails loudly instead of being half patched.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
VERSION = "2021-03-27"
PYPI_SDIST = "quickjs==1.19.4"
SDIST_FILE = "quickjs-1.19.4.tar.gz"

# What near-sdk-js compiles into a contract (see its lib/cli/cli.js `createWasmContract`).
ENGINE_FILES = (
    "quickjs.c",
    "quickjs.h",
    "quickjs-atom.h",
    "quickjs-opcode.h",
    "libregexp.c",
    "libregexp.h",
    "libregexp-opcode.h",
    "libunicode.c",
    "libunicode.h",
    "libunicode-table.h",
    "cutils.c",
    "cutils.h",
    "libbf.c",
    "libbf.h",
    "list.h",
)
# Our own C files, shipped as package data beside this module.
OWN_FILES = ("quickjs-libc-min.c", "quickjs-libc-min.h", "qjsc.c")
PATCH_MARK = "/* patched by xccgen for near-sdk-js */"


@dataclass(frozen=True)
class Edit:
    file: str
    why: str
    old: str
    new: str


EDITS: tuple[Edit, ...] = (
    Edit(
        "quickjs.c",
        "wasi-libc's printf rounds like Emscripten's, not RNDN",
        "#if !defined(_WIN32)\n/* define it if printf uses the RNDN",
        "#if !(defined(_WIN32) || defined(__wasi__))\n/* define it if printf uses the RNDN",
    ),
    Edit(
        "quickjs.c",
        "no threads in a contract: Atomics stay out (also keeps the module free of atomics)",
        "#if !defined(EMSCRIPTEN)\n#define CONFIG_ATOMICS\n#endif",
        "/* CONFIG_ATOMICS left undefined: contracts have no threads */",
    ),
    Edit(
        "quickjs.c",
        "JSBigFloat moves to quickjs.h so builder.c can read BigInt limbs",
        "/* the same structure is used for big integers and big floats. Big\n"
        "   integers are never infinite or NaNs */\n"
        "typedef struct JSBigFloat {\n"
        "    JSRefCountHeader header; /* must come first, 32-bit */\n"
        "    bf_t num;\n"
        "} JSBigFloat;\n",
        "/* JSBigFloat is declared in quickjs.h */\n",
    ),
    Edit(
        "quickjs.c",
        "JS_NewBigInt/JS_GetBigInt are public now (declared in quickjs.h)",
        "static JSValue JS_NewBigInt(JSContext *ctx);\n"
        "static inline bf_t *JS_GetBigInt(JSValueConst val)\n"
        "{\n"
        "    JSBigFloat *p = JS_VALUE_GET_PTR(val);\n"
        "    return &p->num;\n"
        "}\n",
        "",
    ),
    Edit(
        "quickjs.c",
        "JS_NewBigInt is public",
        "static JSValue JS_NewBigInt(JSContext *ctx)\n{",
        "JSValue JS_NewBigInt(JSContext *ctx)\n{",
    ),
    Edit(
        "quickjs.c",
        "the GC is not triggered on object allocation (keeps gas use equal to near-sdk-js)",
        "    js_trigger_gc(ctx->rt, sizeof(JSObject));\n    p = js_malloc(ctx, sizeof(JSObject));",
        "    p = js_malloc(ctx, sizeof(JSObject));",
    ),
    Edit(
        "quickjs.c",
        "js_trigger_gc has no caller left",
        "static void js_trigger_gc(JSRuntime *rt, size_t size)",
        "static __maybe_unused void js_trigger_gc(JSRuntime *rt, size_t size)",
    ),
    Edit(
        "quickjs.c",
        "wasi-libc has no malloc_usable_size (1/2)",
        "#elif defined(EMSCRIPTEN)\n    return 0;",
        "#elif defined(EMSCRIPTEN) || defined(__wasi__)\n    return 0;",
    ),
    Edit(
        "quickjs.c",
        "wasi-libc has no malloc_usable_size (2/2)",
        "#elif defined(EMSCRIPTEN)\n    NULL,",
        "#elif defined(EMSCRIPTEN) || defined(__wasi__)\n    NULL,",
    ),
    Edit(
        "quickjs.c",
        "explicit conversion (clang warns about the implicit one)",
        "else if (d > INT64_MAX)",
        "else if (d > (double)INT64_MAX)",
    ),
    Edit(
        "quickjs.c",
        "js_get_module_ns is public: js_load_module_binary returns the module namespace (1/2)",
        "static JSValue js_get_module_ns(JSContext *ctx, JSModuleDef *m);",
        "JSValue js_get_module_ns(JSContext *ctx, JSModuleDef *m);",
    ),
    Edit(
        "quickjs.c",
        "js_get_module_ns is public (2/2)",
        "static JSValue js_get_module_ns(JSContext *ctx, JSModuleDef *m)\n{",
        "JSValue js_get_module_ns(JSContext *ctx, JSModuleDef *m)\n{",
    ),
    Edit(
        "libbf.c",
        "bf_set_ui, 32-bit limbs: a shift by 32 is undefined when the high word has no leading "
        "zero, which broke u64 values >= 2^63 on wasm32",
        "        r->tab[1] = (a1 << shift) | (a0 >> (LIMB_BITS - shift));\n",
        "        if (shift == 0)\n"
        "            r->tab[1] = a1;\n"
        "        else\n"
        "            r->tab[1] = (a1 << shift) | (a0 >> (LIMB_BITS - shift));\n",
    ),
    Edit(
        "quickjs.h",
        "declarations of the additions builder.c uses",
        "#undef js_unlikely\n#undef js_force_inline\n",
        """/* Additions for near-sdk-js (defined at the end of quickjs.c). */
/* Number or BigInt to uint64_t; BigInt out of range fails. */
int JS_ToBigUint64(JSContext *ctx, uint64_t *pres, JSValueConst val);
int JS_ToUint64Ext(JSContext *ctx, uint64_t *pres, JSValueConst val);
/* Strings as raw Latin-1 bytes: how binary data crosses between C and JS. */
JSValue JS_NewStringLenRaw(JSContext *ctx, const char *buf, size_t buf_len);
/* The bytes of a non-wide string (valid while the string lives); NULL for a wide string. */
const char *JS_ToCStringLenRaw(JSContext *ctx, size_t *plen, JSValueConst val1);
JSValue js_get_module_ns(JSContext *ctx, JSModuleDef *m);

#ifdef CONFIG_BIGNUM
#include "libbf.h"

/* the same structure is used for big integers and big floats */
typedef struct JSBigFloat {
    JSRefCountHeader header; /* must come first, 32-bit */
    bf_t num;
} JSBigFloat;

JSValue JS_NewBigInt(JSContext *ctx);
static inline bf_t *JS_GetBigInt(JSValueConst val)
{
    JSBigFloat *p = JS_VALUE_GET_PTR(val);
    return &p->num;
}
#endif /* CONFIG_BIGNUM */

#undef js_unlikely
#undef js_force_inline
""",
    ),
)

# Appended to quickjs.c, where every static helper is already defined.
QUICKJS_C_TAIL = r"""

/* ---- additions for near-sdk-js ---- */

JSValue JS_NewStringLenRaw(JSContext *ctx, const char *buf, size_t buf_len)
{
    return js_new_string8(ctx, (const uint8_t *)buf, buf_len);
}

const char *JS_ToCStringLenRaw(JSContext *ctx, size_t *plen, JSValueConst val1)
{
    JSValue val;
    JSString *str;

    if (JS_VALUE_GET_TAG(val1) != JS_TAG_STRING) {
        val = JS_ToString(ctx, val1);
        if (JS_IsException(val))
            goto fail;
    } else {
        val = JS_DupValue(ctx, val1);
    }
    str = JS_VALUE_GET_STRING(val);
    if (str->is_wide_char)
        goto fail;
    /* The reference taken above is kept: the caller borrows the bytes, and a contract's
       runtime lives only for one call. */
    if (plen)
        *plen = str->len;
    return (const char *)str->u.str8;
 fail:
    if (plen)
        *plen = 0;
    return NULL;
}

int JS_ToUint64Ext(JSContext *ctx, uint64_t *pres, JSValueConst val)
{
    if (JS_IsBigInt(ctx, val))
        return JS_ToBigUint64(ctx, pres, val);
    return JS_ToInt64(ctx, (int64_t *)pres, val);
}

#ifdef CONFIG_BIGNUM
int JS_ToBigUint64(JSContext *ctx, uint64_t *pres, JSValueConst val)
{
    bf_t a_s, *a;
    int ret = 0;

    a = JS_ToBigIntFree(ctx, &a_s, JS_DupValue(ctx, val));
    if (!a) {
        *pres = 0;
        return -1;
    }
    if (bf_get_uint64(pres, a) == BF_ST_INVALID_OP)
        ret = -1;
    JS_FreeBigInt(ctx, a, &a_s);
    return ret;
}
#else
int JS_ToBigUint64(JSContext *ctx, uint64_t *pres, JSValueConst val)
{
    JS_ThrowUnsupportedBigint(ctx);
    *pres = 0;
    return -1;
}
#endif
"""


def patch_sources(src: Path) -> None:
    """Apply EDITS and the quickjs.c additions to the engine files in `src` (once)."""
    texts = {
        name: (src / name).read_text(encoding="utf-8")
        for name in ("quickjs.c", "quickjs.h", "libbf.c")
    }
    if PATCH_MARK in texts["quickjs.c"]:
        return
    for edit in EDITS:
        count = texts[edit.file].count(edit.old)
        if count != 1:
            raise ValueError(
                f"QuickJS edit for {edit.file} ({edit.why}) matched {count} times; "
                f"expected the {VERSION} sources from {PYPI_SDIST}"
            )
        texts[edit.file] = texts[edit.file].replace(edit.old, edit.new)
    texts["quickjs.c"] = PATCH_MARK + "\n" + texts["quickjs.c"] + QUICKJS_C_TAIL
    for name, text in texts.items():
        (src / name).write_text(text, encoding="utf-8")
