/* One call per page instead of four ctypes calls per character (and four per path segment).
 *
 * pdfium_layout.py reads every character's flags, text object, origin and loose box, and every
 * path segment's type, close flag and point. Through ctypes each PDFium call costs ~0.3 us of
 * Python; a report page has ~500 characters and as many segments. These loops make the same
 * PDFium calls, in C, into packed records the Python side unpacks with struct.iter_unpack;
 * what is done with the values stays in Python (pdfium_layout.py), so there is one geometry.
 *
 * No PDFium header or library is linked: the caller passes the addresses of pypdfium2's own
 * PDFium functions. Built as an optional extension (setup.py); without it the reader makes
 * the same calls through ctypes and gives the same result (tests/extract/test_pdfium_batch.py).
 */
#include <stdint.h>

typedef int (*int_of_index)(void *page_or_text, int index);
typedef void *(*ptr_of_index)(void *page_or_text, int index);
typedef int (*origin_of_index)(void *text_page, int index, double *x, double *y);
typedef int (*box_of_index)(void *text_page, int index, float *rect);
typedef int (*point_of_segment)(void *segment, float *x, float *y);
typedef int (*int_of_ptr)(void *segment);

#pragma pack(push, 1)
typedef struct {
    int32_t generated;    /* FPDFText_IsGenerated */
    int32_t unmapped;     /* FPDFText_HasUnicodeMapError */
    int32_t origin_ok;    /* FPDFText_GetCharOrigin's answer: x, y are 0 when it failed */
    int32_t box_ok;       /* FPDFText_GetLooseCharBox's answer: box is 0 when it failed */
    uint64_t text_object; /* FPDFText_GetTextObject, 0 for none */
    double x, y;
    float box[4];         /* left, top, right, bottom */
} char_record;            /* 56 bytes: struct "=4iQ2d4f" */

typedef struct {
    int32_t type;     /* FPDFPathSegment_GetType (-1 for no segment) */
    int32_t close;    /* FPDFPathSegment_GetClose */
    int32_t point_ok; /* FPDFPathSegment_GetPoint's answer: x, y are 0 when it failed */
    float x, y;
} segment_record;     /* 20 bytes: struct "=3i2f" */
#pragma pack(pop)

/* fns: IsGenerated, HasUnicodeMapError, GetTextObject, GetCharOrigin, GetLooseCharBox */
int nianbao_read_chars(void *text_page, int n, void **fns, char_record *out) {
    int_of_index is_generated = (int_of_index)fns[0];
    int_of_index map_error = (int_of_index)fns[1];
    ptr_of_index text_object = (ptr_of_index)fns[2];
    origin_of_index origin = (origin_of_index)fns[3];
    box_of_index loose_box = (box_of_index)fns[4];
    for (int i = 0; i < n; i++) {
        char_record *r = &out[i];
        r->generated = is_generated(text_page, i);
        r->unmapped = map_error(text_page, i);
        r->text_object = (uint64_t)(uintptr_t)text_object(text_page, i);
        r->x = r->y = 0.0;
        r->box[0] = r->box[1] = r->box[2] = r->box[3] = 0.0f;
        r->origin_ok = origin(text_page, i, &r->x, &r->y) ? 1 : 0;
        r->box_ok = loose_box(text_page, i, r->box) ? 1 : 0;
    }
    return n;
}

/* fns: FPDFPath_GetPathSegment, FPDFPathSegment_GetPoint, GetType, GetClose */
int nianbao_read_segments(void *path, int n, void **fns, segment_record *out) {
    ptr_of_index segment = (ptr_of_index)fns[0];
    point_of_segment point = (point_of_segment)fns[1];
    int_of_ptr type = (int_of_ptr)fns[2];
    int_of_ptr is_close = (int_of_ptr)fns[3];
    for (int k = 0; k < n; k++) {
        void *seg = segment(path, k);
        segment_record *r = &out[k];
        r->x = r->y = 0.0f;
        if (!seg) {
            r->type = -1;
            r->close = r->point_ok = 0;
            continue;
        }
        r->point_ok = point(seg, &r->x, &r->y) ? 1 : 0;
        r->type = type(seg);
        r->close = is_close(seg);
    }
    return n;
}
