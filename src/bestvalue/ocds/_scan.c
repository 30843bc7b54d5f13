/* The native scanner: two passes over JSON text that numpy and DuckDB made costly.

structure(): where documents open and close (ocds/split.py's structural scan, in one pass of C
instead of a dozen numpy passes; the cut was a third of staging's time).

keys(): a key for each JSON document's structure, without building it.

Why: the ingest checks each distinct structure of document once (DuckDB's json_structure: every
key and its JSON type), but computing that structure for every document was a fifth of the
ingest's time. This scanner gives, in one pass over the bytes, a 128-bit key with one promise:
two documents with the same key have the same json_structure. DuckDB then computes the structure
of one document per key only.

The key hashes the sequence of distinct (path, type) pairs in the order they first appear, where
a path is the object keys (their raw bytes) and array levels from the root, and a type is
string, unsigned integer, negative integer, other number, boolean, null, empty or non-empty
object, empty or non-empty array. json_structure merges, per path, the types seen, in the order
keys first appear: equal sequences give it equal input, so equal output. The key is finer than
the structure (documents of one structure may get several keys), never coarser.

Anything this scanner does not follow exactly (text that is not strict JSON, NaN, trailing
commas, an integer too long for 64 bits, nesting deeper than MAX_DEPTH) gets no key: the caller
then asks DuckDB for that document's structure, as before. */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 256

enum { T_STRING = 1, T_UINT, T_NEGINT, T_FLOAT, T_BOOL, T_NULL, T_EMPTY_OBJ, T_OBJ, T_EMPTY_ARR, T_ARR };

static inline uint64_t mix(uint64_t x) { /* splitmix64's finaliser */
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    x ^= x >> 31;
    return x;
}

/* The pairs seen in the current document: open addressing, cleared by a generation count. */
typedef struct {
    uint64_t *slots;
    uint32_t *gen;
    size_t cap, used;
    uint32_t now;
} Seen;

static int seen_init(Seen *s) {
    s->cap = 1024;
    s->used = 0;
    s->now = 1;
    s->slots = malloc(s->cap * sizeof(uint64_t));
    s->gen = calloc(s->cap, sizeof(uint32_t));
    return s->slots && s->gen;
}

static void seen_free(Seen *s) {
    free(s->slots);
    free(s->gen);
}

static void seen_clear(Seen *s) {
    s->used = 0;
    if (++s->now == 0) { /* wrapped: really clear */
        memset(s->gen, 0, s->cap * sizeof(uint32_t));
        s->now = 1;
    }
}

static int seen_grow(Seen *s);

/* 1 if e is new (and now remembered), 0 if seen, -1 if out of memory (e is then not
   remembered, and the table stays at most half full, so that probing always ends). */
static int seen_add(Seen *s, uint64_t e) {
    size_t mask = s->cap - 1, i = (size_t)e & mask;
    while (s->gen[i] == s->now) {
        if (s->slots[i] == e)
            return 0;
        i = (i + 1) & mask;
    }
    if ((s->used + 1) * 2 > s->cap) {
        if (!seen_grow(s))
            return -1;
        return seen_add(s, e);
    }
    s->gen[i] = s->now;
    s->slots[i] = e;
    s->used++;
    return 1;
}

/* Twice the room, the current generation's entries moved over; 0 (and the table as it was)
   if memory runs out. */
static int seen_grow(Seen *s) {
    size_t old = s->cap;
    uint64_t *slots = malloc(old * 2 * sizeof(uint64_t));
    uint32_t *gen = calloc(old * 2, sizeof(uint32_t));
    if (!slots || !gen) {
        free(slots);
        free(gen);
        return 0;
    }
    uint64_t *old_slots = s->slots;
    uint32_t *old_gen = s->gen, now = s->now;
    s->slots = slots;
    s->gen = gen;
    s->cap = old * 2;
    s->now = 1;
    s->used = 0;
    for (size_t i = 0; i < old; i++)
        if (old_gen[i] == now)
            seen_add(s, old_slots[i]);
    free(old_slots);
    free(old_gen);
    return 1;
}

typedef struct {
    uint64_t k1, k2;
    Seen *seen;
    int failed;
} Key;

static inline void emit(Key *k, uint64_t path, int type) {
    uint64_t e = mix(path ^ ((uint64_t)type * 0x9e3779b97f4a7c15ULL));
    int added = seen_add(k->seen, e);
    if (added < 0)
        k->failed = 1;
    else if (added) {
        k->k1 = mix(k->k1 + e);
        k->k2 = mix(k->k2 ^ (e * 0xd6e8feb86659fd93ULL) ^ 0x2545f4914f6cdd1dULL);
    }
}

static inline const uint8_t *blank(const uint8_t *p, const uint8_t *end) {
    while (p < end && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t'))
        p++;
    return p;
}

/* Past a key's closing quote (p just after the opening one), its raw bytes hashed into *h;
   NULL if it does not end or holds a control character. */
static const uint8_t *key_end(const uint8_t *p, const uint8_t *end, uint64_t *h) {
    uint64_t x = 0xcbf29ce484222325ULL;
    while (p < end) {
        uint8_t c = *p;
        if (c == '"') {
            *h = mix(x);
            return p + 1;
        }
        if (c < 0x20)
            return NULL;
        if (c == '\\') {
            if (p + 1 >= end)
                return NULL;
            x = (x ^ c) * 0x100000001b3ULL;
            c = *++p; /* the escaped byte, hashed as it stands */
        }
        x = (x ^ c) * 0x100000001b3ULL;
        p++;
    }
    return NULL;
}

/* Past a string value's closing quote (p just after the opening one): the first quote not
   escaped, that is after an even run of backslashes. Control characters are not looked for: a
   text holding one is not JSON, and DuckDB refuses it whatever its key. */
static const uint8_t *value_end(const uint8_t *p, const uint8_t *end) {
    while (p < end) {
        const uint8_t *q = memchr(p, '"', (size_t)(end - p));
        if (!q)
            return NULL;
        const uint8_t *b = q;
        while (b > p && b[-1] == '\\')
            b--;
        if ((q - b) % 2 == 0)
            return q + 1;
        p = q + 1;
    }
    return NULL;
}

static inline int is_digit(uint8_t c) { return c >= '0' && c <= '9'; }

/* Past a number (strict JSON), with its type in *type; NULL if it is not one this scanner
   types exactly (an integer longer than 64 bits holds: DuckDB types it by its value). */
static const uint8_t *number_end(const uint8_t *p, const uint8_t *end, int *type) {
    int negative = 0, digits = 0, fraction = 0;
    if (*p == '-') {
        negative = 1;
        p++;
    }
    if (p >= end || !is_digit(*p))
        return NULL;
    if (*p == '0') {
        p++;
        digits = 1;
        if (p < end && is_digit(*p))
            return NULL;
    } else
        while (p < end && is_digit(*p)) {
            p++;
            digits++;
        }
    if (p < end && *p == '.') {
        fraction = 1;
        p++;
        if (p >= end || !is_digit(*p))
            return NULL;
        while (p < end && is_digit(*p))
            p++;
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
        fraction = 1;
        p++;
        if (p < end && (*p == '+' || *p == '-'))
            p++;
        if (p >= end || !is_digit(*p))
            return NULL;
        while (p < end && is_digit(*p))
            p++;
    }
    if (fraction)
        *type = T_FLOAT;
    else if (negative ? digits > 18 : digits > 19)
        return NULL;
    else
        *type = negative ? T_NEGINT : T_UINT;
    return p;
}

static inline uint64_t child_key(uint64_t parent, uint64_t key) {
    return mix(parent * 0xff51afd7ed558ccdULL + key + 1);
}

static inline uint64_t child_element(uint64_t parent) {
    return mix(parent ^ 0xc4ceb9fe1a85ec53ULL);
}

#define ROOT 0x6a09e667f3bcc908ULL

/* The key of one document, in k; 0 if it has none. */
static int document_key(const uint8_t *p, const uint8_t *end, Key *k) {
    uint64_t paths[MAX_DEPTH];
    uint8_t kinds[MAX_DEPTH];
    int depth = 0;
    uint64_t path = ROOT;
    k->k1 = 0x243f6a8885a308d3ULL;
    k->k2 = 0x13198a2e03707344ULL;
    k->failed = 0;
    seen_clear(k->seen);

value:
    p = blank(p, end);
    if (p >= end)
        return 0;
    switch (*p) {
    case '{':
    case '[': {
        int object = *p == '{';
        p = blank(p + 1, end);
        if (p < end && *p == (object ? '}' : ']')) {
            emit(k, path, object ? T_EMPTY_OBJ : T_EMPTY_ARR);
            p++;
            goto after;
        }
        emit(k, path, object ? T_OBJ : T_ARR);
        if (depth == MAX_DEPTH)
            return 0;
        paths[depth] = path;
        kinds[depth++] = object ? '{' : '[';
        if (object)
            goto member;
        path = child_element(path);
        goto value;
    }
    case '"':
        p = value_end(p + 1, end);
        if (!p)
            return 0;
        emit(k, path, T_STRING);
        goto after;
    case 't':
    case 'f':
    case 'n': {
        const char *word = *p == 't' ? "true" : *p == 'f' ? "false" : "null";
        size_t n = strlen(word);
        if ((size_t)(end - p) < n || memcmp(p, word, n))
            return 0;
        p += n;
        emit(k, path, *word == 'n' ? T_NULL : T_BOOL);
        goto after;
    }
    default: {
        int type = 0;
        p = number_end(p, end, &type);
        if (!p)
            return 0;
        emit(k, path, type);
        goto after;
    }
    }

member:
    p = blank(p, end);
    if (p >= end || *p != '"')
        return 0;
    {
        uint64_t h = 0;
        p = key_end(p + 1, end, &h);
        if (!p)
            return 0;
        p = blank(p, end);
        if (p >= end || *p != ':')
            return 0;
        p++;
        path = child_key(paths[depth - 1], h);
    }
    goto value;

after:
    p = blank(p, end);
    if (depth == 0)
        return p == end && !k->failed;
    if (p >= end)
        return 0;
    if (*p == ',') {
        p++;
        if (kinds[depth - 1] == '{')
            goto member;
        path = child_element(paths[depth - 1]);
        goto value;
    }
    if (*p != (kinds[depth - 1] == '{' ? '}' : ']'))
        return 0;
    p++;
    depth--;
    goto after;
}

static PyObject *keys(PyObject *self, PyObject *args) {
    Py_buffer text, offsets, out, valid;
    (void)self;
    if (!PyArg_ParseTuple(args, "y*y*w*w*", &text, &offsets, &out, &valid))
        return NULL;
    PyObject *result = NULL;
    Py_ssize_t n = offsets.len / (Py_ssize_t)sizeof(int64_t) - 1;
    const int64_t *off = offsets.buf;
    if (offsets.len % sizeof(int64_t) || n < 0 || out.len < n * 16 || valid.len < n) {
        PyErr_SetString(PyExc_ValueError, "keys: buffers of the wrong size");
        goto done;
    }
    for (Py_ssize_t i = 0; i < n; i++)
        if (off[i] < 0 || off[i] > off[i + 1] || off[i + 1] > text.len) {
            PyErr_SetString(PyExc_ValueError, "keys: offsets outside the text");
            goto done;
        }
    Seen seen;
    if (!seen_init(&seen)) {
        seen_free(&seen);
        PyErr_NoMemory();
        goto done;
    }
    Py_BEGIN_ALLOW_THREADS
    const uint8_t *base = text.buf;
    uint8_t *o = out.buf, *v = valid.buf;
    Key k = {0, 0, &seen, 0};
    for (Py_ssize_t i = 0; i < n; i++) {
        v[i] = (uint8_t)document_key(base + off[i], base + off[i + 1], &k);
        memcpy(o + 16 * i, &k.k1, 8);
        memcpy(o + 16 * i + 8, &k.k2, 8);
    }
    Py_END_ALLOW_THREADS
    seen_free(&seen);
    result = Py_None;
    Py_INCREF(result);
done:
    PyBuffer_Release(&text);
    PyBuffer_Release(&offsets);
    PyBuffer_Release(&out);
    PyBuffer_Release(&valid);
    return result;
}

/* The structural scan of ocds/split.py (its _structure), for the brackets whose depth before
   them is at most `limit`: where documents open and close, and what holds them. The same rules
   as the numpy scan, also on text that is not JSON: a quote after an odd run of backslashes
   does not count, whether inside a string or not; a bracket counts outside strings. */
static PyObject *structure(PyObject *self, PyObject *args) {
    Py_buffer text, positions, chars, depths;
    long long depth, limit;
    (void)self;
    if (!PyArg_ParseTuple(args, "y*LLw*w*w*", &text, &depth, &limit, &positions, &chars, &depths))
        return NULL;
    Py_ssize_t capacity = positions.len / (Py_ssize_t)sizeof(int64_t), count = 0;
    if (chars.len < capacity || depths.len / (Py_ssize_t)sizeof(int64_t) < capacity) {
        PyErr_SetString(PyExc_ValueError, "structure: buffers of the wrong size");
        count = -2;
    } else {
        Py_BEGIN_ALLOW_THREADS
        const uint8_t *b = text.buf;
        Py_ssize_t n = text.len, i = 0;
        int64_t *pos = positions.buf, *dep = depths.buf;
        uint8_t *chr = chars.buf;
        int inside = 0;
        long long d = depth;
        while (i < n) {
            uint8_t c = b[i];
            if (c == '\\') {
                Py_ssize_t run = 0;
                while (i < n && b[i] == '\\') {
                    i++;
                    run++;
                }
                if (run % 2 && i < n && b[i] == '"')
                    i++; /* an escaped quote */
                continue;
            }
            if (c == '"') {
                inside = !inside;
                i++;
                continue;
            }
            if (inside) { /* to the quote that closes the string: value_end's rule */
                const uint8_t *q = value_end(b + i, b + n);
                if (!q) {
                    i = n;
                    break;
                }
                i = (q - b) - 1;
                continue;
            }
            if (c == '{' || c == '[' || c == '}' || c == ']') {
                if (d <= limit) {
                    if (count == capacity) {
                        count = -1;
                        break;
                    }
                    pos[count] = i;
                    chr[count] = c;
                    dep[count++] = d;
                }
                d += (c == '{' || c == '[') ? 1 : -1;
            }
            i++;
        }
        Py_END_ALLOW_THREADS
    }
    PyBuffer_Release(&text);
    PyBuffer_Release(&positions);
    PyBuffer_Release(&chars);
    PyBuffer_Release(&depths);
    if (count == -2)
        return NULL;
    return PyLong_FromSsize_t(count);
}

static PyMethodDef methods[] = {
    {"keys", keys, METH_VARARGS,
     "keys(text, offsets, out, valid): the structure key (16 bytes) of each document "
     "text[offsets[i]:offsets[i + 1]] into out, and 1 into valid where it has one."},
    {"structure", structure, METH_VARARGS,
     "structure(text, depth, limit, positions, chars, depths): the brackets outside strings "
     "whose depth before them is at most limit, into the buffers; their number, or -1 if the "
     "buffers are too small."},
    {NULL, NULL, 0, NULL}};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "_scan",
    .m_doc = "The native scanner of JSON text.",
    .m_size = -1,
    .m_methods = methods,
};

PyMODINIT_FUNC PyInit__scan(void) { return PyModule_Create(&module); }
